"""Pings and threads on the settings pages: saved per server, overridden per channel."""

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Channel, Guild, Role
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, member
from tests.support.web import csrf_for, field_error, web_client

PLAYERS = 4343


@pytest.fixture
async def manager(app, seeded):
    async with get_db_session() as db:
        guild = (await db.execute(select(Guild))).scalar_one()
        db.add(Role(discord_id=PLAYERS, guild_id=guild.id, name="Players", permissions=0))
        await db.commit()
    async with await web_client(app, member(HOST_ID, manage=True)) as client:
        yield client


async def _stored() -> tuple[Guild, Channel]:
    async with get_db_session() as db:
        guild = (await db.execute(select(Guild))).scalar_one()
        channel = (await db.execute(select(Channel))).scalar_one()
        return guild, channel


async def test_server_pings_a_role_and_opens_threads_and_a_channel_overrides(manager):
    csrf = await csrf_for(manager)
    page = await manager.get(f"/servers/{GUILD_ID}/settings")
    assert f'<option value="{PLAYERS}">@Players</option>' in page.text
    saved = await manager.post(
        f"/servers/{GUILD_ID}/settings",
        data={"csrf_token": csrf, "ping_role_id": str(PLAYERS), "game_threads": "on"},
    )
    assert saved.status_code == 303
    guild, channel = await _stored()
    assert (guild.ping_role_id, guild.game_threads, guild.thread_posts) == (PLAYERS, True, False)
    page = await manager.get(f"/servers/{GUILD_ID}/settings")
    assert f'<option value="{PLAYERS}" selected>@Players</option>' in page.text

    channel_url = f"/servers/{GUILD_ID}/channels/{CHANNEL_ID}/settings"
    form = {"csrf_token": csrf, "enabled": "1", "host_roles_inherit": "1"}
    overridden = await manager.post(
        channel_url,
        data={**form, "ping_role_id": "none", "game_threads": "inherit", "thread_posts": "on"},
    )
    assert overridden.status_code == 303
    _, channel = await _stored()
    assert (channel.ping_role_id, channel.game_threads, channel.thread_posts) == (0, None, True)
    page = await manager.get(channel_url)
    assert '<option value="none" selected>Nobody</option>' in page.text


async def test_bad_ping_fields_are_named_and_nothing_is_saved(manager):
    csrf = await csrf_for(manager)
    unknown = await manager.post(
        f"/servers/{GUILD_ID}/settings", data={"csrf_token": csrf, "ping_role_id": "77"}
    )
    assert unknown.status_code == 422
    assert field_error(unknown.text, "ping_role_id") == "ping_role_id is not a role of this server"
    channel_url = f"/servers/{GUILD_ID}/channels/{CHANNEL_ID}/settings"
    both = await manager.post(
        channel_url,
        data={"csrf_token": csrf, "enabled": "1", "ping_role_id": "x", "thread_posts": "maybe"},
    )
    assert both.status_code == 422
    assert field_error(both.text, "ping_role_id") == "choose one of the server's roles"
    assert field_error(both.text, "thread_posts") == "choose inherit, on or off"
    guild, channel = await _stored()
    assert (guild.ping_role_id, channel.ping_role_id, channel.thread_posts) == (None, None, None)

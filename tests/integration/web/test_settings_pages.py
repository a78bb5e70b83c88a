"""Server and channel settings for managers; the calendar feed link and its regeneration."""

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Channel, Guild, Role, User
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, member
from tests.support.web import csrf_for, field_error, flash_text, input_value, web_client

MODS = 4242


@pytest.fixture
async def manager(app, seeded):
    async with get_db_session() as db:
        guild = (await db.execute(select(Guild))).scalar_one()
        db.add(Role(discord_id=MODS, guild_id=guild.id, name="Mods", permissions=0))
        await db.commit()
    async with await web_client(app, member(HOST_ID, manage=True)) as client:
        yield client


async def _guild() -> Guild:
    async with get_db_session() as db:
        return (await db.execute(select(Guild))).scalar_one()


async def _channel() -> Channel:
    async with get_db_session() as db:
        return (await db.execute(select(Channel))).scalar_one()


async def test_managers_see_settings_and_save_them(manager):
    server = await manager.get(f"/servers/{GUILD_ID}")
    assert f'href="/servers/{GUILD_ID}/settings"' in server.text
    page = await manager.get(f"/servers/{GUILD_ID}/settings")
    assert page.status_code == 200
    assert "Mods" in page.text
    form = {
        "csrf_token": await csrf_for(manager),
        "reminder_offsets": "30",
        "default_max_players": "5",
        "host_role_ids": str(MODS),
        "manager_role_ids": str(MODS),
    }
    saved = await manager.post(f"/servers/{GUILD_ID}/settings", data=form)
    assert saved.status_code == 303
    guild = await _guild()
    assert guild.reminder_offsets == [30]
    assert guild.default_max_players == 5
    assert guild.host_role_ids == [MODS]
    assert guild.manager_role_ids == [MODS]
    page = await manager.get(saved.headers["location"])
    assert flash_text(page.text) == "Settings saved."
    assert input_value(page.text, "reminder_offsets") == "30"
    assert f'value="{MODS}" checked' in page.text


async def test_settings_errors_show_beside_the_field(manager):
    csrf = await csrf_for(manager)
    page = await manager.post(
        f"/servers/{GUILD_ID}/settings",
        data={"csrf_token": csrf, "reminder_offsets": "50000", "default_max_players": ""},
    )
    assert page.status_code == 422
    assert "more than 4 weeks" in (field_error(page.text, "reminder_offsets") or "")
    page = await manager.post(
        f"/servers/{GUILD_ID}/settings",
        data={"csrf_token": csrf, "default_max_players": "5000"},
    )
    assert field_error(page.text, "default_max_players") == (
        "max players must be between 1 and 1000"
    )
    guild = await _guild()
    assert guild.reminder_offsets is None
    assert guild.default_max_players is None


async def test_channel_settings_override_and_inherit(manager):
    url = f"/servers/{GUILD_ID}/channels/{CHANNEL_ID}/settings"
    assert (await manager.get(url)).status_code == 200
    csrf = await csrf_for(manager)
    saved = await manager.post(
        url,
        data={
            "csrf_token": csrf,
            "reminder_offsets": "none",
            "default_max_players": "8",
            "host_role_ids": str(MODS),
        },
    )
    assert saved.status_code == 303
    channel = await _channel()
    assert channel.enabled is False  # the box was not ticked
    assert channel.reminder_offsets == []
    assert channel.default_max_players == 8
    assert channel.host_role_ids == [MODS]
    await manager.post(url, data={"csrf_token": csrf, "enabled": "1", "host_roles_inherit": "1"})
    channel = await _channel()
    assert channel.enabled is True
    assert channel.reminder_offsets is None
    assert channel.host_role_ids is None
    bad = await manager.post(url, data={"csrf_token": csrf, "host_role_ids": "abc"})
    assert bad.status_code == 422
    assert field_error(bad.text, "host_role_ids") is None  # role lists show errors in the fieldset
    assert "choose roles from the list" in bad.text


async def test_members_without_manage_server_cannot_configure(host):
    assert (await host.get(f"/servers/{GUILD_ID}/settings")).status_code == 403
    csrf = await csrf_for(host)
    refused = await host.post(
        f"/servers/{GUILD_ID}/settings", data={"csrf_token": csrf, "default_max_players": "2"}
    )
    assert refused.status_code == 403
    assert (await _guild()).default_max_players is None
    url = f"/servers/{GUILD_ID}/channels/{CHANNEL_ID}/settings"
    assert (await host.get(url)).status_code == 403


async def test_calendar_page_shows_the_feed_and_regenerates_it(host):
    page = await host.get("/me/calendar")
    assert page.status_code == 200
    async with get_db_session() as db:
        old = (
            await db.execute(select(User.calendar_token).where(User.discord_id == HOST_ID))
        ).scalar_one()
    assert f"/calendar/{old}.ics" in page.text
    assert (await host.get(f"/calendar/{old}.ics")).status_code == 200
    done = await host.post("/me/calendar/regenerate", data={"csrf_token": await csrf_for(host)})
    assert done.status_code == 303
    page = await host.get("/me/calendar")
    assert flash_text(page.text) == "New feed link made; the old one no longer works."
    assert f"/calendar/{old}.ics" not in page.text
    assert (await host.get(f"/calendar/{old}.ics")).status_code == 404


async def test_every_settings_problem_is_reported_at_once(manager):
    csrf = await csrf_for(manager)
    url = f"/servers/{GUILD_ID}/settings"
    data = {"csrf_token": csrf, "reminder_offsets": "50000", "default_max_players": "5000"}
    page = await manager.post(url, data=data)
    assert page.status_code == 422
    assert "more than 4 weeks" in (field_error(page.text, "reminder_offsets") or "")
    assert field_error(page.text, "default_max_players") == (
        "max players must be between 1 and 1000"
    )
    assert "<title>Fix 2 problems — Settings of" in page.text
    assert f'data-replace-url="{url}"' in page.text

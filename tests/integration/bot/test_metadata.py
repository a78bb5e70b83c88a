"""Servers, channels and roles the bot sees are mirrored into our tables, and kept current."""

import asyncio

import pytest
from sqlalchemy import select

from game_scheduler.bot.runtime import DiscordBot
from game_scheduler.database import get_db_session
from game_scheduler.models import Channel, Guild, Role, utcnow
from game_scheduler.services import members, signups
from game_scheduler.services.loading import load_game
from game_scheduler.services.registry import ensure_user
from tests.integration.bot.conftest import HOST_ROLE_ID, OTHER_CHANNEL_ID
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)

OUTAGE_GUILD_ID = 900_000_000_000_000_002
LEFT_GUILD_ID = 900_000_000_000_000_003


async def _snapshot() -> tuple[dict, dict, dict]:
    async with get_db_session() as session:
        guilds = {g.discord_id: g for g in (await session.scalars(select(Guild))).all()}
        channels = {c.discord_id: c for c in (await session.scalars(select(Channel))).all()}
        roles = {r.discord_id: r for r in (await session.scalars(select(Role))).all()}
    return guilds, channels, roles


async def _eventually(check, within: float = 5.0):
    for _ in range(int(within / 0.05)):
        snapshot = await _snapshot()
        if check(*snapshot):
            return snapshot
        await asyncio.sleep(0.05)
    raise AssertionError(f"metadata never matched; last seen {snapshot}")


async def test_ready_records_servers_channels_roles_and_syncs_commands(bot, fake_discord):
    names = {c["name"] for c in fake_discord.state.commands}
    assert names == {"games", "my-games", "game-config", "game", "timezone", "stats", "reminders"}
    guilds, channels, roles = await _snapshot()
    assert guilds[GUILD_ID].name == "Test Server"
    assert guilds[GUILD_ID].bot_present
    assert {i: c.name for i, c in channels.items()} == {
        CHANNEL_ID: "games",
        OTHER_CHANNEL_ID: "chat",
    }
    assert {i: r.name for i, r in roles.items()} == {GUILD_ID: "@everyone", HOST_ROLE_ID: "Host"}


async def test_channel_and_role_changes_are_recorded(bot, fake_discord):
    state = fake_discord.state
    state.guilds[GUILD_ID].channels[700] = "new-games"
    await fake_discord.dispatch("CHANNEL_CREATE", state.channel_payload(GUILD_ID, 700))
    await fake_discord.dispatch("CHANNEL_DELETE", state.channel_payload(GUILD_ID, OTHER_CHANNEL_ID))
    new_role = state.role_payload(701, "GM", 32, 2)
    await fake_discord.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(GUILD_ID), "role": new_role})
    await fake_discord.dispatch(
        "GUILD_ROLE_DELETE", {"guild_id": str(GUILD_ID), "role_id": str(HOST_ROLE_ID)}
    )

    _, channels, roles = await _eventually(
        lambda g, c, r: (
            700 in c and not c[OTHER_CHANNEL_ID].bot_present and 701 in r and HOST_ROLE_ID not in r
        )
    )
    assert channels[700].name == "new-games"
    assert channels[CHANNEL_ID].bot_present
    assert roles[701].permissions == 32


async def test_removal_from_a_server_keeps_it_marked_absent(bot, fake_discord):
    await fake_discord.dispatch("GUILD_DELETE", {"id": str(GUILD_ID)})
    guilds, _, _ = await _eventually(lambda g, c, r: not g[GUILD_ID].bot_present)
    assert guilds[GUILD_ID].name == "Test Server"


async def test_startup_marks_left_servers_absent_but_not_those_in_an_outage(
    db_url, fake_discord, point_bot_at
):
    fake_discord.state.add_guild(OUTAGE_GUILD_ID, "Down for now")
    fake_discord.state.unavailable.add(OUTAGE_GUILD_ID)
    await seed_channel(OUTAGE_GUILD_ID, 800)
    await seed_channel(LEFT_GUILD_ID, 801)

    settings = point_bot_at()
    running = DiscordBot(fake_discord.token, settings=settings, guild_ready_timeout=0.1)
    await running.start()
    try:
        await running.wait_ready(within=10)
    finally:
        await running.close()

    guilds, _, _ = await _snapshot()
    assert guilds[GUILD_ID].bot_present
    assert guilds[OUTAGE_GUILD_ID].bot_present
    assert not guilds[LEFT_GUILD_ID].bot_present


@pytest.fixture
def members_intent(configure):
    """DISCORD_MEMBERS_INTENT=1, set before the bot starts."""
    configure(discord_members_intent="1")


async def test_a_member_removed_from_the_server_loses_their_seats(
    members_intent, bot, fake_discord
):
    kicked, waiting = member(player_id()), member(player_id())
    game = await create_game(max_players=1)
    for actor in (kicked, waiting):
        async with get_db_session() as session:
            await signups.join_game(session, actor, game.id)
    async with get_db_session() as session:  # the kicked one had signed in on the web
        user = await ensure_user(session, kicked.discord_id)
        await session.flush()
        await members.record_present(session, user.id, [GUILD_ID], utcnow())
        await session.commit()
    user_payload = {
        "id": str(kicked.discord_id),
        "username": "kicked",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "public_flags": 0,
    }
    await fake_discord.dispatch(
        "GUILD_MEMBER_REMOVE", {"guild_id": str(GUILD_ID), "user": user_payload}
    )
    for _ in range(100):
        async with get_db_session() as session:
            players = [p.user.discord_id for p in (await load_game(session, game.id)).participants]
        if players == [waiting.discord_id]:
            break
        await asyncio.sleep(0.05)
    assert players == [waiting.discord_id]
    async with get_db_session() as session:
        left = await members.known_standing(session, game.guild_id, kicked.discord_id)
    assert left is False

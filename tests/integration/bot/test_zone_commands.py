"""/timezone and /game-config's timezone through the real bot: saved, validated, offered."""

from __future__ import annotations

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Guild, User
from tests.support.factories import CHANNEL_ID, GUILD_ID, player_id


async def saved_zone(discord_id: int) -> str | None:
    async with get_db_session() as session:
        return await session.scalar(select(User.timezone).where(User.discord_id == discord_id))


async def server_zone() -> str | None:
    async with get_db_session() as session:
        return await session.scalar(select(Guild.timezone).where(Guild.discord_id == GUILD_ID))


async def test_timezone_saves_shows_and_clears_the_users_zone(bot, fake_discord):
    user = player_id()

    saved = await fake_discord.command(user, GUILD_ID, CHANNEL_ID, "timezone", zone="Asia/Tokyo")
    assert await saved_zone(user) == "Asia/Tokyo"
    shown = await fake_discord.command(user, GUILD_ID, CHANNEL_ID, "timezone")
    cleared = await fake_discord.command(user, GUILD_ID, CHANNEL_ID, "timezone", zone="none")

    assert saved.ephemeral
    assert saved.text.startswith("Saved. Times you type are read in **Asia/Tokyo (your zone)**")
    assert "Asia/Tokyo (your zone)" in shown.text
    assert await saved_zone(user) is None
    assert "UTC (no zone set)" in cleared.text


async def test_timezone_refuses_a_name_that_is_not_a_zone(bot, fake_discord):
    user = player_id()

    answer = await fake_discord.command(user, GUILD_ID, CHANNEL_ID, "timezone", zone="Mars/Base")

    assert answer.ephemeral
    assert '"Mars/Base" is not an IANA time zone name' in answer.text
    assert await saved_zone(user) is None


async def test_timezone_autocomplete_offers_iana_names(bot, fake_discord):
    answer = await fake_discord.autocomplete(
        player_id(), GUILD_ID, CHANNEL_ID, ("timezone",), "zone", "berl"
    )

    assert [c["value"] for c in answer.choices] == ["Europe/Berlin"]


async def test_game_config_sets_the_servers_zone_which_members_then_use(bot, fake_discord):
    admin, user = player_id(), player_id()
    fake_discord.state.add_member(GUILD_ID, admin, manage=True)

    answer = await fake_discord.command(
        admin, GUILD_ID, CHANNEL_ID, "game-config", timezone="America/New_York"
    )
    shown = await fake_discord.command(user, GUILD_ID, CHANNEL_ID, "timezone")
    refused = await fake_discord.command(
        player_id(), GUILD_ID, CHANNEL_ID, "game-config", timezone="Europe/Paris"
    )

    assert answer.text.startswith("Saved.")
    assert "Time zone (server): America/New_York" in answer.text
    assert await server_zone() == "America/New_York"
    assert "America/New_York (server zone)" in shown.text
    assert refused.text == "Only members with Manage Server can change game settings."

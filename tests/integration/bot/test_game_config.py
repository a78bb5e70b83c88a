"""/game-config's seat, quorum, ping, thread and maybe-reminder options through the real bot."""

from __future__ import annotations

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Channel, Guild
from tests.fakes.discord import FakeDiscord, FakeInteraction
from tests.integration.bot.conftest import HOST_ROLE_ID
from tests.support.factories import CHANNEL_ID, GUILD_ID, player_id


async def stored() -> tuple[Guild, Channel]:
    async with get_db_session() as session:
        guild = await session.scalar(select(Guild).where(Guild.discord_id == GUILD_ID))
        channel = await session.scalar(select(Channel).where(Channel.discord_id == CHANNEL_ID))
    assert guild is not None
    assert channel is not None
    return guild, channel


async def game_config(
    fake: FakeDiscord, user_id: int, *, roles: dict[str, int] | None = None, **options: str
) -> FakeInteraction:
    """``user_id`` runs /game-config in the test channel with these options."""
    return await fake.command(user_id, GUILD_ID, CHANNEL_ID, "game-config", roles=roles, **options)


def manager(fake: FakeDiscord) -> int:
    admin = player_id()
    fake.state.add_member(GUILD_ID, admin, manage=True)
    return admin


async def test_server_settings_are_saved_and_shown_with_what_is_in_force(bot, fake_discord):
    admin = manager(fake_discord)

    answer = await game_config(
        fake_discord,
        admin,
        roles={"ping_role": HOST_ROLE_ID},
        scope="server",
        remind_maybe="true",
        threads="on",
        seat_mode="offer",
        offer_window="45",
        quorum_deadline="120",
        quorum_action="cancel",
    )

    assert answer.ephemeral
    guild, _ = await stored()
    assert guild.remind_maybe is True
    assert guild.ping_role_id == HOST_ROLE_ID
    assert guild.game_threads is True
    assert (guild.seat_mode, guild.offer_window_minutes) == ("offer", 45)
    assert (guild.quorum_deadline_minutes, guild.quorum_action) == (120, "cancel")
    lines = answer.text.splitlines()
    assert lines[:2] == ["Saved.", "**Game settings for this server**"]
    assert "Remind maybe players: yes → in force: yes" in lines
    assert f"Ping role: <@&{HOST_ROLE_ID}> → in force: <@&{HOST_ROLE_ID}>" in lines
    assert "Thread per game: on → in force: on" in lines
    assert "Freed seats: offer → in force: offer" in lines
    assert "Offer window (minutes): 45 → in force: 45" in lines
    assert "Quorum deadline (minutes before): 120 → in force: 120" in lines
    assert "Quorum action: cancel → in force: cancel" in lines


async def test_a_channel_overrides_and_returns_to_the_servers_settings(bot, fake_discord):
    admin = manager(fake_discord)
    await game_config(
        fake_discord,
        admin,
        roles={"ping_role": HOST_ROLE_ID},
        scope="server",
        seat_mode="offer",
        quorum_deadline="60",
    )

    override = await game_config(
        fake_discord,
        admin,
        ping_clear="none",
        threads="off",
        seat_mode="instant",
        quorum_deadline="none",
        remind_maybe="false",
    )
    _, channel = await stored()
    assert (channel.ping_role_id, channel.game_threads, channel.seat_mode) == (0, False, "instant")
    assert (channel.quorum_deadline_minutes, channel.remind_maybe) == (0, False)
    assert "Ping role: none → in force: none" in override.text
    assert "Quorum deadline (minutes before): none → in force: none" in override.text

    back = await game_config(
        fake_discord,
        admin,
        ping_clear="default",
        threads="default",
        seat_mode="default",
        quorum_deadline="default",
        remind_maybe="default",
    )
    _, channel = await stored()
    assert (channel.ping_role_id, channel.game_threads, channel.seat_mode) == (None, None, None)
    assert (channel.quorum_deadline_minutes, channel.remind_maybe) == (None, None)
    assert f"Ping role: inherited → in force: <@&{HOST_ROLE_ID}>" in back.text
    assert "Freed seats: inherited → in force: offer" in back.text
    assert "Quorum deadline (minutes before): inherited → in force: 60" in back.text


async def test_every_bad_option_is_named_in_one_reply_and_nothing_is_saved(bot, fake_discord):
    admin = manager(fake_discord)

    answer = await game_config(
        fake_discord,
        admin,
        roles={"ping_role": HOST_ROLE_ID},
        ping_clear="none",
        reminders="soon",
        offer_window="0",
        quorum_deadline="a week",
        seat_mode="offer",
        timezone="Mars/Olympus",
    )

    assert answer.ephemeral
    lines = answer.text.splitlines()
    assert lines[0] == "Nothing was saved:"
    named = {line.split(":")[0] for line in lines[1:]}
    assert named == {
        "• ping_role",
        "• reminders",
        "• offer_window",
        "• quorum_deadline",
        "• timezone",
    }
    guild, channel = await stored()
    assert channel.seat_mode is None
    assert guild.timezone is None


async def test_a_role_that_is_not_the_servers_is_refused(bot, fake_discord):
    admin = manager(fake_discord)

    answer = await game_config(fake_discord, admin, roles={"ping_role": GUILD_ID}, threads="on")

    assert answer.ephemeral
    assert "not a role of this server" in answer.text
    _, channel = await stored()
    assert (channel.ping_role_id, channel.game_threads) == (None, None)


async def test_members_without_manage_server_change_nothing(bot, fake_discord):
    answer = await game_config(fake_discord, player_id(), seat_mode="offer", offer_window="x")

    assert answer.text == "Only members with Manage Server can change game settings."
    _, channel = await stored()
    assert channel.seat_mode is None

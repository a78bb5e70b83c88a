"""Slash commands answer with the right content, to the right audience, with the right rights."""

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Channel, Guild, Reminder, ReminderStatus
from game_scheduler.services import games, signups
from tests.integration.bot.conftest import HOST_ROLE_ID, OTHER_CHANNEL_ID
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    player_id,
)


async def _settings() -> tuple[Guild, Channel]:
    async with get_db_session() as session:
        guild = await session.scalar(select(Guild).where(Guild.discord_id == GUILD_ID))
        channel = await session.scalar(select(Channel).where(Channel.discord_id == CHANNEL_ID))
    assert guild is not None
    assert channel is not None
    return guild, channel


async def _pending(game_id: int) -> set[int]:
    async with get_db_session() as session:
        rows = await session.scalars(
            select(Reminder.offset_minutes).where(
                Reminder.game_id == game_id, Reminder.status == ReminderStatus.PENDING
            )
        )
        return set(rows)


async def test_games_lists_upcoming_games_of_the_server_or_the_channel(bot, fake_discord):
    soon = await create_game(title="Catan night", minutes_ahead=60)
    later = await create_game(title="Poker", minutes_ahead=600, channel_discord_id=OTHER_CHANNEL_ID)
    user = player_id()

    everywhere = await fake_discord.command(user, GUILD_ID, CHANNEL_ID, "games")
    here = await fake_discord.command(user, GUILD_ID, CHANNEL_ID, "games", here=True)

    assert not everywhere.ephemeral
    lines = everywhere.text.splitlines()
    assert lines[0] == "**Upcoming games in this server**"
    assert "Catan night" in lines[1]
    assert f"<t:{int(soon.scheduled_at.timestamp())}:F>" in lines[1]
    assert "0/10 players" in lines[1]
    assert "Poker" in lines[2]
    assert f"/{OTHER_CHANNEL_ID}" in lines[2]
    assert later.title not in here.text
    assert "Catan night" in here.text


async def test_games_says_so_when_there_are_none(bot, fake_discord):
    answer = await fake_discord.command(player_id(), GUILD_ID, CHANNEL_ID, "games")
    assert answer.text == "No upcoming games in this server."


async def test_my_games_privately_lists_my_games_and_standing(bot, fake_discord):
    me = player_id()
    seated = await create_game(title="Seated", max_players=2, minutes_ahead=60)
    waiting = await create_game(title="Waiting", max_players=1, minutes_ahead=120)
    await create_game(title="Not mine", minutes_ahead=90)
    async with get_db_session() as session:
        await signups.join_game(session, member(me), seated.id)
    async with get_db_session() as session:
        await signups.join_game(session, member(player_id()), waiting.id)
    async with get_db_session() as session:
        await signups.join_game(session, member(me), waiting.id)

    answer = await fake_discord.command(me, GUILD_ID, CHANNEL_ID, "my-games")

    assert answer.ephemeral
    lines = answer.text.splitlines()
    assert len(lines) == 3
    assert "Seated" in lines[1]
    assert lines[1].endswith("**confirmed**")
    assert "Waiting" in lines[2]
    assert lines[2].endswith("**waitlist #1**")


async def test_game_config_needs_manage_server(bot, fake_discord):
    answer = await fake_discord.command(
        player_id(), GUILD_ID, CHANNEL_ID, "game-config", scope="server", max_players=4
    )

    assert answer.ephemeral
    assert answer.text == "Only members with Manage Server can change game settings."
    guild, _ = await _settings()
    assert guild.default_max_players is None
    [command] = [c for c in fake_discord.state.commands if c["name"] == "game-config"]
    assert int(command["default_member_permissions"]) == 1 << 5  # hidden from non-managers


async def test_game_config_changes_server_and_channel_settings(bot, fake_discord):
    admin = player_id()
    fake_discord.state.add_member(GUILD_ID, admin, manage=True)

    server = await fake_discord.command(
        admin,
        GUILD_ID,
        CHANNEL_ID,
        "game-config",
        scope="server",
        reminders="30, 10",
        max_players=6,
        host_roles=f"<@&{HOST_ROLE_ID}>",
    )
    channel = await fake_discord.command(
        admin, GUILD_ID, CHANNEL_ID, "game-config", reminders="none", host_roles="anyone"
    )

    assert server.ephemeral
    assert server.text.startswith("Saved.\n**Game settings for this server**")
    assert "Max players: 6 → in force: 6" in server.text
    assert "Reminders (minutes before): none → in force: none" in channel.text
    guild, stored_channel = await _settings()
    assert (guild.reminder_offsets, guild.default_max_players, guild.host_role_ids) == (
        [30, 10],
        6,
        [HOST_ROLE_ID],
    )
    assert (stored_channel.reminder_offsets, stored_channel.host_role_ids) == ([], [])
    assert stored_channel.default_max_players is None


async def test_game_config_explains_bad_options_privately(bot, fake_discord):
    admin = player_id()
    fake_discord.state.add_member(GUILD_ID, admin, manage=True)

    answer = await fake_discord.command(
        admin, GUILD_ID, CHANNEL_ID, "game-config", reminders="soon"
    )
    shown = await fake_discord.command(admin, GUILD_ID, CHANNEL_ID, "game-config")

    assert answer.ephemeral
    assert answer.text.startswith("Reminders must be minutes before the start")
    assert shown.text.startswith("**Game settings for #games**")
    assert "Reminders (minutes before): inherited → in force: 60, 15" in shown.text


async def test_game_config_moves_reminders_of_games_that_inherit_offsets(bot, fake_discord):
    admin = player_id()
    fake_discord.state.add_member(GUILD_ID, admin, manage=True)
    inheriting = await create_game(minutes_ahead=3 * 24 * 60)
    own = await create_game(minutes_ahead=3 * 24 * 60, reminder_offsets=[5])
    cancelled = await create_game(minutes_ahead=3 * 24 * 60)
    async with get_db_session() as session:
        await games.cancel_game(session, member(HOST_ID), cancelled.id)
    assert await _pending(inheriting.id) == {60, 15}

    async def config(**options: object) -> str:
        answer = await fake_discord.command(admin, GUILD_ID, CHANNEL_ID, "game-config", **options)
        return answer.text

    assert (await config(scope="server", reminders="120, 30")).startswith("Saved.")
    assert await _pending(inheriting.id) == {120, 30}
    assert "in force: 1440" in await config(reminders="1440")
    assert await _pending(inheriting.id) == {1440}
    await config(reminders="default")
    assert await _pending(inheriting.id) == {120, 30}
    await config(reminders="none")
    assert await _pending(inheriting.id) == set()
    assert await _pending(own.id) == {5}
    assert await _pending(cancelled.id) == set()


async def test_my_games_marks_the_games_i_host(bot, fake_discord):
    hosted = await create_game(title="Hosted", minutes_ahead=60)

    answer = await fake_discord.command(HOST_ID, GUILD_ID, CHANNEL_ID, "my-games")

    [_, line] = answer.text.splitlines()
    assert hosted.title in line
    assert line.endswith("**hosting**")

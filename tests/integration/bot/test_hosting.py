"""/game create, edit and cancel through the real bot on the fake Discord: modals, autocomplete."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from game_scheduler.database import get_db_session
from game_scheduler.models import Game, GameSeries, GameStatus, Guild, User, utcnow
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord.server import MODAL
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, create_game, member, player_id
from tests.support.series import create_weekly

FORMS = ("2026-12-05 20:00", "tomorrow 8pm", "fri 20:00", "in 2h")


async def set_zones(user_zone: str | None = None, server_zone: str | None = None) -> None:
    """Save the host's and the server's zones as /timezone and /game-config would."""
    async with get_db_session() as session:
        await session.execute(
            update(Guild).where(Guild.discord_id == GUILD_ID).values(timezone=server_zone)
        )
        user = await session.scalar(select(User).where(User.discord_id == HOST_ID))
        if user is None:
            session.add(User(discord_id=HOST_ID, username="host", timezone=user_zone))
        else:
            user.timezone = user_zone
        await session.commit()


async def games_titled(title: str) -> list[Game]:
    async with get_db_session() as session:
        return list((await session.scalars(select(Game).where(Game.title == title))).all())


async def create_through_modal(
    fake: FakeDiscord, values: dict[str, str], user: int = HOST_ID, **options: str
) -> tuple[object, object]:
    opened = await fake.subcommand(user, GUILD_ID, CHANNEL_ID, "game", "create", **options)
    submitted = await fake.submit_modal(user, GUILD_ID, CHANNEL_ID, opened, values)
    return opened, submitted


def next_dst_change(zone: ZoneInfo, after: date) -> date:
    """The first day after ``after`` whose evening has another UTC offset than the day before."""
    day = after
    while True:
        evening = datetime.combine(day, time(20, 0), zone).utcoffset()
        following = datetime.combine(day + timedelta(days=1), time(20, 0), zone).utcoffset()
        day += timedelta(days=1)
        if evening != following:
            return day


def evening(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(20, 0), zone).astimezone(UTC)


async def test_create_opens_a_modal_and_posts_the_game_in_the_hosts_zone(bot, fake_discord):
    await set_zones(user_zone="Europe/Berlin", server_zone="America/New_York")
    day = (utcnow() + timedelta(days=10)).date()
    opened, submitted = await create_through_modal(
        fake_discord,
        {
            "Title": "Catan night",
            "When": f"{day:%Y-%m-%d} 20:00",
            "Seats": "4",
            "Description": "Bring snacks",
        },
        reminders="30",
        place="Table 2",
    )

    assert [field for field in opened.modal_fields()] == ["Title", "When", "Seats", "Description"]
    [game] = await games_titled("Catan night")
    expected = evening(day, ZoneInfo("Europe/Berlin"))
    assert game.scheduled_at == expected
    assert (game.max_players, game.description, game.location) == (4, "Bring snacks", "Table 2")
    assert game.reminder_offsets == [30]
    assert submitted.ephemeral
    assert f"<t:{int(expected.timestamp())}:F>" in submitted.text
    assert "Europe/Berlin (your zone)" in submitted.text
    buttons = [c for row in submitted.answer["components"] for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Edit"]


@pytest.mark.parametrize("form", FORMS)
async def test_each_when_form_is_read_in_the_servers_zone(bot, fake_discord, form):
    await set_zones(server_zone="America/New_York")
    zone = ZoneInfo("America/New_York")
    before = utcnow()
    _, submitted = await create_through_modal(fake_discord, {"Title": f"Form {form}", "When": form})
    after = utcnow()

    [game] = await games_titled(f"Form {form}")
    local = game.scheduled_at.astimezone(zone)
    today = before.astimezone(zone).date()
    if form == "in 2h":
        minute = timedelta(minutes=1)
        assert before + 2 * timedelta(hours=1) - minute <= game.scheduled_at
        assert game.scheduled_at <= after + 2 * timedelta(hours=1)
    elif form == "tomorrow 8pm":
        assert game.scheduled_at == evening(today + timedelta(days=1), zone)
    elif form == "fri 20:00":
        assert (local.weekday(), local.hour, local.minute) == (4, 20, 0)
        assert before < game.scheduled_at < before + timedelta(days=8)
    else:
        assert game.scheduled_at == evening(date(2026, 12, 5), zone)
    assert "America/New_York (server zone)" in submitted.text
    assert f"<t:{int(game.scheduled_at.timestamp())}:F>" in submitted.text


@pytest.mark.parametrize("zone_name", ["Europe/Berlin", "America/New_York"])
async def test_evenings_on_both_sides_of_a_dst_change_keep_their_clock_time(
    bot, fake_discord, zone_name
):
    await set_zones(user_zone=zone_name)
    zone = ZoneInfo(zone_name)
    change = next_dst_change(zone, utcnow().date() + timedelta(days=2))
    for day in (change - timedelta(days=1), change):
        await create_through_modal(
            fake_discord, {"Title": f"DST {zone_name} {day}", "When": f"{day:%Y-%m-%d} 20:00"}
        )

    [eve] = await games_titled(f"DST {zone_name} {change - timedelta(days=1)}")
    [then] = await games_titled(f"DST {zone_name} {change}")
    assert eve.scheduled_at == evening(change - timedelta(days=1), zone)
    assert then.scheduled_at == evening(change, zone)
    assert then.scheduled_at - eve.scheduled_at != timedelta(days=1)  # the offset changed
    assert {g.scheduled_at.astimezone(zone).hour for g in (eve, then)} == {20}


async def test_bad_input_is_reported_all_at_once_naming_the_accepted_forms(bot, fake_discord):
    await set_zones()
    _, submitted = await create_through_modal(
        fake_discord,
        {"Title": "   ", "When": "someday", "Seats": "lots"},
        reminders="soon",
    )

    assert submitted.ephemeral
    lines = submitted.text.splitlines()
    assert lines[0] == "The game was not posted:"
    named = {line.split(":")[0] for line in lines[1:]}
    assert named == {"• when", "• seats", "• reminders", "• title"}
    for form in FORMS:
        assert form in submitted.text
    assert await games_titled("someday") == []
    assert submitted.answer.get("components") in (None, [])


async def test_players_without_a_host_role_are_refused_privately(bot, fake_discord):
    async with get_db_session() as session:
        await session.execute(
            update(Guild).where(Guild.discord_id == GUILD_ID).values(host_role_ids=[1234])
        )
        await session.commit()
    _, submitted = await create_through_modal(
        fake_discord, {"Title": "Not mine", "When": "in 2h"}, user=player_id()
    )

    assert submitted.ephemeral
    assert "host role" in submitted.text
    assert await games_titled("Not mine") == []


async def test_edit_button_reopens_the_modal_prefilled_and_saves_changes(bot, fake_discord):
    await set_zones(user_zone="Europe/Berlin")
    day = (utcnow() + timedelta(days=5)).date()
    _, created = await create_through_modal(
        fake_discord, {"Title": "Poker", "When": f"{day:%Y-%m-%d} 21:00", "Seats": "6"}
    )

    reopened = await fake_discord.press(HOST_ID, created, "Edit")
    fields = reopened.modal_fields()
    assert fields["Title"]["value"] == "Poker"
    assert fields["When"]["value"] == f"{day:%Y-%m-%d} 21:00"
    assert fields["Seats"]["value"] == "6"
    saved = await fake_discord.submit_modal(
        HOST_ID, GUILD_ID, CHANNEL_ID, reopened, {"When": f"{day:%Y-%m-%d} 19:30", "Seats": "5"}
    )

    [game] = await games_titled("Poker")
    zone = ZoneInfo("Europe/Berlin")
    assert game.scheduled_at == datetime.combine(day, time(19, 30), zone).astimezone(UTC)
    assert game.max_players == 5
    assert saved.text.startswith("Updated **Poker**")


async def test_edit_command_opens_the_prefilled_modal_for_the_chosen_game(bot, fake_discord):
    await set_zones()
    game = await create_game(title="Wingspan", minutes_ahead=600)

    opened = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "edit", game=game.id
    )
    saved = await fake_discord.submit_modal(
        HOST_ID, GUILD_ID, CHANNEL_ID, opened, {"Title": "Wingspan (expansion)"}
    )

    assert opened.modal_fields()["Title"]["value"] == "Wingspan"
    [stored] = await games_titled("Wingspan (expansion)")
    assert stored.scheduled_at == game.scheduled_at  # "when" untouched: not rescheduled
    assert saved.ephemeral


async def test_others_cannot_edit_or_cancel_a_hosts_game(bot, fake_discord):
    game = await create_game(title="Mine", minutes_ahead=600)
    other = player_id()

    edit = await fake_discord.subcommand(other, GUILD_ID, CHANNEL_ID, "game", "edit", game=game.id)
    cancel = await fake_discord.subcommand(
        other, GUILD_ID, CHANNEL_ID, "game", "cancel", game=game.id
    )

    assert edit.ephemeral
    assert "only the host" in edit.text.lower()
    assert cancel.ephemeral
    assert "only the host" in cancel.text.lower()
    [stored] = await games_titled("Mine")
    assert stored.status is GameStatus.SCHEDULED


async def test_cancel_cancels_the_game_and_says_so(bot, fake_discord):
    game = await create_game(title="Risk", minutes_ahead=600)

    answer = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "cancel", game=game.id, reason="host is ill"
    )

    assert answer.ephemeral
    assert answer.text == "Cancelled **Risk**; everyone signed up gets a DM with your reason."
    [stored] = await games_titled("Risk")
    assert stored.status is GameStatus.CANCELLED
    assert stored.cancel_reason == "host is ill"


async def test_autocomplete_lists_only_the_hosts_upcoming_games(bot, fake_discord):
    await create_game(title="Later game", minutes_ahead=900)
    soon = await create_game(title="Sooner game", minutes_ahead=300)
    cancelled = await create_game(title="Cancelled game", minutes_ahead=400)
    other_host = player_id()
    await create_game(member(other_host), title="Someone else's game", minutes_ahead=200)
    await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "cancel", game=cancelled.id
    )

    everything = await fake_discord.autocomplete(
        HOST_ID, GUILD_ID, CHANNEL_ID, ("game", "edit"), "game", "", int
    )
    typed = await fake_discord.autocomplete(
        HOST_ID, GUILD_ID, CHANNEL_ID, ("game", "cancel"), "game", "soon", int
    )

    names = [c["name"].split(" · ")[0] for c in everything.choices]
    assert names == ["Sooner game", "Later game"]
    assert [c["value"] for c in typed.choices] == [soon.id]


async def test_edit_following_on_a_series_game_splits_the_series_as_the_web_does(bot, fake_discord):
    await set_zones()
    plan, first_id = await create_weekly(hours_ahead=48)

    opened = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "edit", game=first_id, scope="following"
    )
    saved = await fake_discord.submit_modal(
        HOST_ID, GUILD_ID, CHANNEL_ID, opened, {"Title": "Tuesday D&D (new campaign)"}
    )

    assert opened.modal["title"].startswith("Edit from here on:")
    assert saved.text.startswith("Updated this and the following games of")
    async with get_db_session() as session:
        game = await session.get(Game, first_id)
        assert game is not None
        assert game.title == "Tuesday D&D (new campaign)"
        new_plan = await session.get(GameSeries, game.series_id)
        old_plan = await session.get(GameSeries, plan.id)
    assert new_plan is not None
    assert old_plan is not None
    assert new_plan.id != plan.id
    assert new_plan.title == "Tuesday D&D (new campaign)"
    assert old_plan.title == "Tuesday D&D"


async def test_edit_following_is_refused_for_a_game_outside_a_series(bot, fake_discord):
    game = await create_game(title="One-off", minutes_ahead=600)

    answer = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "edit", game=game.id, scope="following"
    )

    assert answer.ephemeral
    assert answer.text.startswith("Can't edit this game:")
    assert "not part of a series" in answer.text
    assert all(c["type"] != MODAL for c in answer.callbacks)


async def test_edit_this_on_a_series_game_keeps_the_series(bot, fake_discord):
    await set_zones()
    plan, first_id = await create_weekly(hours_ahead=48)

    opened = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "edit", game=first_id, scope="this"
    )
    await fake_discord.submit_modal(HOST_ID, GUILD_ID, CHANNEL_ID, opened, {"Seats": "3"})

    async with get_db_session() as session:
        game = await session.get(Game, first_id)
        stored_plan = await session.get(GameSeries, plan.id)
    assert game is not None
    assert stored_plan is not None
    assert (game.series_id, game.max_players) == (plan.id, 3)
    assert stored_plan.max_players == 4


async def test_edit_following_without_a_change_leaves_the_series_whole(bot, fake_discord):
    await set_zones()
    plan, first_id = await create_weekly(hours_ahead=48)

    opened = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "edit", game=first_id, scope="following"
    )
    await fake_discord.submit_modal(HOST_ID, GUILD_ID, CHANNEL_ID, opened, {})

    async with get_db_session() as session:
        game = await session.get(Game, first_id)
        stored_plan = await session.get(GameSeries, plan.id)
    assert game is not None
    assert stored_plan is not None
    assert game.series_id == plan.id
    assert stored_plan.ended_at is None

"""Create, edit, cancel, join and leave through the dashboard's forms; errors beside fields."""

from datetime import UTC, datetime, timedelta

from game_scheduler.database import get_db_session
from game_scheduler.models import GameStatus, utcnow
from game_scheduler.services import settings
from game_scheduler.services.settings import ChannelSettingsChanges
from tests.support.factories import CHANNEL_ID, GUILD_ID, create_game, member, seed_channel
from tests.support.web import (
    all_games,
    csrf_for,
    field_error,
    flash_text,
    input_value,
    stored_game,
)

DISABLED_CHANNEL = 900_000_000_000_000_103


def _form(csrf: str, **fields: str) -> dict[str, str]:
    start = (utcnow() + timedelta(days=3)).replace(tzinfo=None)
    values = {
        "csrf_token": csrf,
        "channel_discord_id": str(CHANNEL_ID),
        "title": "Board games",
        "scheduled_at": start.strftime("%Y-%m-%dT%H:%M"),
        "tz_offset": "0",
        "duration_minutes": "",
        "max_players": "",
        "min_players": "1",
        "reminder_offsets": "",
        "location": "",
        "description": "",
        "signup_instructions": "",
    }
    values.update(fields)
    return values


async def test_new_game_form_offers_channels_and_shows_inherited_defaults(host):
    await seed_channel(reminder_offsets=[30], default_max_players=6)
    page = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert page.status_code == 200
    assert f'<option value="{CHANNEL_ID}" data-offsets="30 min before" data-max="6"' in page.text
    assert "Leave empty for the default: <span data-default-offsets>30 min before</span>" in (
        page.text
    )
    assert 'placeholder="6"' in page.text
    assert 'type="datetime-local"' in page.text
    assert 'name="tz_offset"' in page.text


async def test_create_game_stores_the_browsers_local_time_in_utc(host):
    csrf = await csrf_for(host)
    # 19:30 in a zone five hours behind UTC (getTimezoneOffset() = 300) is 00:30 UTC next day.
    day = (utcnow() + timedelta(days=10)).date()
    form = _form(
        csrf,
        scheduled_at=f"{day.isoformat()}T19:30",
        tz_offset="300",
        duration_minutes="90",
        max_players="4",
        reminder_offsets="120, 10",
        location="Discord voice",
    )
    response = await host.post(f"/servers/{GUILD_ID}/games", data=form)
    assert response.status_code == 303
    [game] = await all_games()
    assert response.headers["location"] == f"/games/{game.id}"
    expected = datetime(day.year, day.month, day.day, 19, 30, tzinfo=UTC) + timedelta(hours=5)
    assert game.scheduled_at == expected
    assert (game.duration_minutes, game.max_players) == (90, 4)
    assert game.reminder_offsets == [120, 10]
    assert game.location == "Discord voice"
    page = await host.get(response.headers["location"])
    assert flash_text(page.text) == "Game created."
    again = await host.get(response.headers["location"])
    assert flash_text(again.text) is None


async def test_blank_optional_fields_inherit_and_none_means_no_reminders(host):
    csrf = await csrf_for(host)
    await host.post(f"/servers/{GUILD_ID}/games", data=_form(csrf, title="Inherits"))
    await host.post(
        f"/servers/{GUILD_ID}/games", data=_form(csrf, title="Silent", reminder_offsets="none")
    )
    inherits, silent = await all_games()
    assert inherits.reminder_offsets is None
    assert inherits.max_players == 10
    assert inherits.duration_minutes == 120
    assert silent.reminder_offsets == []


async def test_bad_input_shows_errors_beside_fields_and_keeps_what_was_typed(host):
    csrf = await csrf_for(host)
    bad = _form(
        csrf,
        title="Keep this title",
        max_players="many",
        reminder_offsets="60, soon",
        scheduled_at="tomorrow",
    )
    page = await host.post(f"/servers/{GUILD_ID}/games", data=bad)
    assert page.status_code == 422
    assert field_error(page.text, "max_players") == "enter a whole number"
    assert "separated by commas" in (field_error(page.text, "reminder_offsets") or "")
    assert field_error(page.text, "scheduled_at") == "enter a date and time"
    assert field_error(page.text, "title") is None
    assert input_value(page.text, "title") == "Keep this title"
    assert input_value(page.text, "reminder_offsets") == "60, soon"
    assert 'aria-invalid="true"' in page.text
    assert '<a href="#max_players">' in page.text  # the error summary links to the field
    assert await all_games() == []


async def test_service_rules_show_beside_their_field(host):
    csrf = await csrf_for(host)
    past = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    cases = {
        "scheduled_at": ({"scheduled_at": past}, "start time must be in the future"),
        "title": ({"title": "   "}, "title must not be empty"),
        "max_players": ({"max_players": "0"}, "max players must be between 1 and 1000"),
        "reminder_offsets": ({"reminder_offsets": "0"}, "reminder offset 0 must be positive"),
        "duration_minutes": ({"duration_minutes": "99999"}, "duration must be between"),
    }
    for field, (values, message) in cases.items():
        page = await host.post(f"/servers/{GUILD_ID}/games", data=_form(csrf, **values))
        assert page.status_code == 422, field
        assert (field_error(page.text, field) or "").startswith(message), (field, page.text)
    assert await all_games() == []


async def test_channel_must_be_one_the_viewer_may_post_in(host):
    await seed_channel(channel_id=DISABLED_CHANNEL)
    csrf = await csrf_for(host)
    async with get_db_session() as db:
        await settings.update_channel_settings(
            db,
            member(1, manage=True),
            GUILD_ID,
            DISABLED_CHANNEL,
            ChannelSettingsChanges(enabled=False),
        )
    page = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert str(DISABLED_CHANNEL) not in page.text
    for channel in (str(DISABLED_CHANNEL), "123", "x"):
        page = await host.post(
            f"/servers/{GUILD_ID}/games", data=_form(csrf, channel_discord_id=channel)
        )
        assert page.status_code == 422
        assert field_error(page.text, "channel_discord_id"), channel
    assert await all_games() == []


async def test_edit_form_shows_the_game_in_utc_for_the_browser_to_localise(host):
    game = await create_game(reminder_offsets=[45])
    page = await host.get(f"/games/{game.id}/edit")
    assert page.status_code == 200
    utc_value = game.scheduled_at.strftime("%Y-%m-%dT%H:%M")
    assert f'data-utc="{utc_value}"' in page.text
    assert input_value(page.text, "reminder_offsets") == "45"
    assert input_value(page.text, "title") == "Catan night"
    assert f'name="version" value="{game.version}"' in page.text


async def test_edit_saves_changes_and_moves_the_start(host):
    game = await create_game()
    csrf = await csrf_for(host)
    new_start = (game.scheduled_at + timedelta(days=1)).replace(second=0, microsecond=0)
    form = _form(
        csrf,
        title="Catan, rescheduled",
        scheduled_at=(new_start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        tz_offset="-120",  # a zone two hours ahead of UTC
        duration_minutes="60",
        max_players="3",
        min_players="2",
        version=str(game.version),
    )
    response = await host.post(f"/games/{game.id}/edit", data=form)
    assert response.status_code == 303, response.text
    stored = await stored_game(game.id)
    assert stored.title == "Catan, rescheduled"
    assert stored.scheduled_at == new_start
    assert (stored.duration_minutes, stored.max_players, stored.min_players) == (60, 3, 2)
    assert stored.reminder_offsets is None


async def test_edit_errors_and_stale_versions_change_nothing(host):
    game = await create_game()
    csrf = await csrf_for(host)
    start = game.scheduled_at.strftime("%Y-%m-%dT%H:%M")
    base = _form(csrf, scheduled_at=start, duration_minutes="120", max_players="10")
    bad = await host.post(
        f"/games/{game.id}/edit", data={**base, "min_players": "11", "version": "1"}
    )
    assert bad.status_code == 422
    assert field_error(bad.text, "min_players") == "min players must be between 1 and max players"
    stale = await host.post(
        f"/games/{game.id}/edit", data={**base, "title": "Mine", "version": "99"}
    )
    assert stale.status_code == 422
    assert "changed by someone else" in stale.text
    assert input_value(stale.text, "title") == "Mine"
    assert (await stored_game(game.id)).title == "Catan night"


async def test_an_unchanged_start_is_not_sent_again(host):
    game = await create_game()
    csrf = await csrf_for(host)
    form = _form(
        csrf,
        scheduled_at=game.scheduled_at.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes="120",
        max_players="10",
        title="Renamed only",
    )
    response = await host.post(f"/games/{game.id}/edit", data=form)
    assert response.status_code == 303
    stored = await stored_game(game.id)
    assert stored.scheduled_at == game.scheduled_at  # seconds kept, not truncated to the form's
    assert stored.title == "Renamed only"


async def test_cancel_asks_first_then_cancels(host):
    game = await create_game()
    confirm = await host.get(f"/games/{game.id}/cancel")
    assert confirm.status_code == 200
    assert "This cannot be undone" in confirm.text
    assert (await stored_game(game.id)).status is GameStatus.SCHEDULED
    csrf = await csrf_for(host)
    response = await host.post(f"/games/{game.id}/cancel", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert (await stored_game(game.id)).status is GameStatus.CANCELLED
    page = await host.get(f"/games/{game.id}")
    assert flash_text(page.text) == "The game is cancelled; its players will be told."
    assert "Cancel game" not in page.text
    again = await host.post(f"/games/{game.id}/cancel", data={"csrf_token": csrf})
    assert flash_text((await host.get(again.headers["location"])).text) == (
        "a cancelled game cannot become cancelled"
    )
    edit = await host.get(f"/games/{game.id}/edit")
    assert edit.status_code == 303


async def test_join_then_waitlist_then_leave_promotes(host, player):
    game = await create_game(max_players=1)
    host_csrf, player_csrf = await csrf_for(host), await csrf_for(player)
    joined = await host.post(f"/games/{game.id}/join", data={"csrf_token": host_csrf})
    assert flash_text((await host.get(joined.headers["location"])).text) == (
        "You joined: you have a seat."
    )
    waiting = await player.post(f"/games/{game.id}/join", data={"csrf_token": player_csrf})
    page = await player.get(waiting.headers["location"])
    assert flash_text(page.text) == "The game is full: you are number 1 on the waitlist."
    assert "You are number 1 on the waitlist" in page.text
    twice = await player.post(f"/games/{game.id}/join", data={"csrf_token": player_csrf})
    assert flash_text((await player.get(twice.headers["location"])).text) == (
        "already signed up for this game"
    )
    await host.post(f"/games/{game.id}/leave", data={"csrf_token": host_csrf})
    page = await player.get(f"/games/{game.id}")
    assert "You have a seat" in page.text
    not_in = await host.post(f"/games/{game.id}/leave", data={"csrf_token": host_csrf})
    assert flash_text((await host.get(not_in.headers["location"])).text)


async def test_every_problem_is_reported_in_one_answer(host):
    csrf = await csrf_for(host)
    past = (utcnow() - timedelta(days=1)).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
    bad = _form(
        csrf,
        title="   ",
        scheduled_at=past,
        duration_minutes="0",
        max_players="2",
        min_players="5",
        reminder_offsets="60, soon",
        location="x" * 201,
    )
    page = await host.post(f"/servers/{GUILD_ID}/games", data=bad)
    assert page.status_code == 422
    for field in (
        "title",
        "scheduled_at",
        "duration_minutes",
        "min_players",
        "reminder_offsets",
        "location",
    ):
        assert field_error(page.text, field), field
    assert "<title>Fix 6 problems — New game · Game Scheduler</title>" in page.text
    assert "Error" not in page.text.split("</title>")[0]
    # The script turns the address into the form's own page, so a reload does not post again.
    assert f'data-replace-url="/servers/{GUILD_ID}/games/new"' in page.text
    assert await all_games() == []


async def test_a_field_with_a_limit_shows_its_count(host):
    page = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert 'data-counter-for="title">0 / 200 characters' in page.text
    assert 'data-counter-for="description">0 / 4000 characters' in page.text


async def test_min_players_is_checked_against_the_channels_cap_with_other_problems(host):
    csrf = await csrf_for(host)
    bad = _form(csrf, min_players="12", max_players="", reminder_offsets="60, soon")
    page = await host.post(f"/servers/{GUILD_ID}/games", data=bad)
    assert page.status_code == 422
    assert field_error(page.text, "min_players") == "min players must be between 1 and max players"
    assert field_error(page.text, "reminder_offsets")
    # The summary follows the page's order of fields.
    assert page.text.index('href="#min_players"') < page.text.index('href="#reminder_offsets"')

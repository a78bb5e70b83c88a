"""Seat offers, quorum and "remind maybe" on the dashboard: server and channel settings, the game
form (create and edit), and the seat mode line on the game page."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Channel, Guild, utcnow
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    seed_channel,
)
from tests.support.web import (
    all_games,
    csrf_for,
    field_error,
    input_value,
    stored_game,
    web_client,
)

SERVER_URL = f"/servers/{GUILD_ID}/settings"
CHANNEL_URL = f"/servers/{GUILD_ID}/channels/{CHANNEL_ID}/settings"


@pytest.fixture
async def manager(app, seeded):
    async with await web_client(app, member(HOST_ID, manage=True)) as client:
        yield client


def selected(page: str, field: str) -> str | None:
    """The value of the option a page selected in a select box."""
    box = re.search(rf'<select id="{field}" name="{field}"[^>]*>(.*?)</select>', page, re.S)
    assert box, f"no select {field}"
    found = re.search(r'<option value="([^"]*)" selected>', box.group(1))
    return html.unescape(found.group(1)) if found else None


async def _stored() -> tuple[Guild, Channel]:
    async with get_db_session() as db:
        guild = (await db.execute(select(Guild))).scalar_one()
        channel = (await db.execute(select(Channel))).scalar_one()
        return guild, channel


SEAT_QUORUM = {
    "seat_mode": "offer",
    "offer_window_minutes": "45",
    "reconfirm_frees_seat": "yes",
    "quorum_deadline_minutes": "1440",
    "quorum_action": "cancel",
    "quorum_nudge_minutes": "120",
}


async def test_server_saves_seat_and_quorum_settings_and_blank_returns_to_the_default(manager):
    page = await manager.get(SERVER_URL)
    assert "<legend>Freed seats</legend>" in page.text
    assert "<legend>Quorum</legend>" in page.text
    assert selected(page.text, "seat_mode") == ""
    csrf = await csrf_for(manager)
    saved = await manager.post(SERVER_URL, data={"csrf_token": csrf, **SEAT_QUORUM})
    assert saved.status_code == 303
    guild, _ = await _stored()
    assert (guild.seat_mode, guild.offer_window_minutes, guild.reconfirm_frees_seat) == (
        "offer",
        45,
        True,
    )
    assert (
        guild.quorum_deadline_minutes,
        guild.quorum_action,
        guild.quorum_nudge_minutes,
    ) == (1440, "cancel", 120)
    page = await manager.get(SERVER_URL)
    assert selected(page.text, "seat_mode") == "offer"
    assert selected(page.text, "reconfirm_frees_seat") == "yes"
    assert selected(page.text, "quorum_action") == "cancel"
    assert input_value(page.text, "offer_window_minutes") == "45"
    assert input_value(page.text, "quorum_deadline_minutes") == "1440"
    assert input_value(page.text, "quorum_nudge_minutes") == "120"

    # No deadline (0) is a choice of its own; blank everywhere else inherits the default.
    cleared = await manager.post(
        SERVER_URL, data={"csrf_token": csrf, "quorum_deadline_minutes": "0"}
    )
    assert cleared.status_code == 303
    guild, _ = await _stored()
    assert guild.quorum_deadline_minutes == 0
    assert guild.seat_mode is None
    assert guild.offer_window_minutes is None
    assert guild.reconfirm_frees_seat is None
    assert guild.quorum_action is None
    assert guild.quorum_nudge_minutes is None


async def test_every_bad_server_field_is_named_and_nothing_is_saved(manager):
    csrf = await csrf_for(manager)
    page = await manager.post(
        SERVER_URL,
        data={
            "csrf_token": csrf,
            "seat_mode": "lottery",
            "offer_window_minutes": "0",
            "reconfirm_frees_seat": "maybe",
            "quorum_deadline_minutes": "-5",
            "quorum_action": "shrug",
            "quorum_nudge_minutes": "soon",
            "default_max_players": "5",
        },
    )
    assert page.status_code == 422
    assert field_error(page.text, "seat_mode") == "choose offer or instant"
    assert "between 1 and" in (field_error(page.text, "offer_window_minutes") or "")
    assert field_error(page.text, "reconfirm_frees_seat") == "choose yes or no"
    assert "0 or a positive number" in (field_error(page.text, "quorum_deadline_minutes") or "")
    assert field_error(page.text, "quorum_action") == "choose cancel or ask the host"
    assert field_error(page.text, "quorum_nudge_minutes") == "enter a whole number"
    assert "<title>Fix 6 problems" in page.text
    assert input_value(page.text, "quorum_nudge_minutes") == "soon"  # kept as typed
    too_long = await manager.post(
        SERVER_URL,
        data={
            "csrf_token": csrf,
            "quorum_deadline_minutes": "99999",
            "quorum_nudge_minutes": "99999",
        },
    )
    assert too_long.status_code == 422
    assert "more than 4 weeks" in (field_error(too_long.text, "quorum_deadline_minutes") or "")
    assert "more than a week" in (field_error(too_long.text, "quorum_nudge_minutes") or "")
    guild, _ = await _stored()
    assert guild.default_max_players is None
    assert guild.seat_mode is None
    assert guild.quorum_deadline_minutes is None


async def test_a_settings_post_without_csrf_changes_nothing(manager):
    refused = await manager.post(SERVER_URL, data={"seat_mode": "offer"})
    assert refused.status_code == 403
    refused = await manager.post(CHANNEL_URL, data={"seat_mode": "offer", "enabled": "1"})
    assert refused.status_code == 403
    guild, channel = await _stored()
    assert guild.seat_mode is None
    assert channel.seat_mode is None


async def test_channel_overrides_seats_and_quorum_and_blank_inherits_the_servers(manager):
    csrf = await csrf_for(manager)
    await manager.post(
        SERVER_URL, data={"csrf_token": csrf, "seat_mode": "offer", "quorum_action": "cancel"}
    )
    page = await manager.get(CHANNEL_URL)
    assert "As the server: offer it with a time to accept" in page.text
    assert "As the server: cancel the game" in page.text
    assert selected(page.text, "seat_mode") == ""
    base = {"csrf_token": csrf, "enabled": "1", "host_roles_inherit": "1"}
    saved = await manager.post(
        CHANNEL_URL,
        data={**base, **SEAT_QUORUM, "seat_mode": "instant", "reconfirm_frees_seat": "no"},
    )
    assert saved.status_code == 303
    _, channel = await _stored()
    assert (channel.seat_mode, channel.offer_window_minutes, channel.reconfirm_frees_seat) == (
        "instant",
        45,
        False,
    )
    assert (
        channel.quorum_deadline_minutes,
        channel.quorum_action,
        channel.quorum_nudge_minutes,
    ) == (1440, "cancel", 120)
    listed = await manager.get(SERVER_URL)
    assert "· freed seats given at once" in listed.text
    assert "· quorum deadline 1440 min before" in listed.text
    page = await manager.get(CHANNEL_URL)
    assert selected(page.text, "seat_mode") == "instant"
    assert selected(page.text, "reconfirm_frees_seat") == "no"
    bad = await manager.post(
        CHANNEL_URL, data={**base, "offer_window_minutes": "20000", "quorum_action": "x"}
    )
    assert bad.status_code == 422
    assert "between 1 and" in (field_error(bad.text, "offer_window_minutes") or "")
    assert field_error(bad.text, "quorum_action") == "choose cancel or ask the host"
    inherit = await manager.post(CHANNEL_URL, data={**base, "seat_mode": "inherit"})
    assert inherit.status_code == 303
    _, channel = await _stored()
    assert channel.seat_mode is None
    assert channel.offer_window_minutes is None
    assert channel.reconfirm_frees_seat is None
    assert channel.quorum_deadline_minutes is None
    assert channel.quorum_action is None


def _game_form(csrf: str, **fields: str) -> dict[str, str]:
    start = (utcnow() + timedelta(days=3)).replace(tzinfo=None)
    values = {
        "csrf_token": csrf,
        "channel_discord_id": str(CHANNEL_ID),
        "title": "Board games",
        "scheduled_at": start.strftime("%Y-%m-%dT%H:%M"),
        "tz_offset": "0",
        "min_players": "1",
    }
    values.update(fields)
    return values


GAME_SETTINGS = {
    "quorum_deadline_minutes": "90",
    "seat_mode": "offer",
    "offer_window_minutes": "20",
    "remind_maybe": "yes",
}


async def test_create_keeps_the_games_own_settings_and_blank_inherits(host):
    page = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert "data-game-settings" in page.text
    assert "these apply to its first game only" in page.text
    assert selected(page.text, "seat_mode") == ""
    csrf = await csrf_for(host)
    made = await host.post(
        f"/servers/{GUILD_ID}/games", data=_game_form(csrf, title="Own", **GAME_SETTINGS)
    )
    assert made.status_code == 303, made.text
    await host.post(f"/servers/{GUILD_ID}/games", data=_game_form(csrf, title="Inherits"))
    await host.post(
        f"/servers/{GUILD_ID}/games",
        data=_game_form(csrf, title="No deadline", quorum_deadline_minutes="0", remind_maybe="no"),
    )
    own, inherits, no_deadline = await all_games()
    assert (own.quorum_deadline_minutes, own.seat_mode, own.offer_window_minutes) == (
        90,
        "offer",
        20,
    )
    assert own.remind_maybe is True
    assert inherits.quorum_deadline_minutes is None
    assert inherits.seat_mode is None
    assert inherits.offer_window_minutes is None
    assert inherits.remind_maybe is None
    assert no_deadline.quorum_deadline_minutes == 0
    assert no_deadline.remind_maybe is False


async def test_every_bad_game_setting_is_named_with_the_other_problems(host):
    csrf = await csrf_for(host)
    page = await host.post(
        f"/servers/{GUILD_ID}/games",
        data=_game_form(
            csrf,
            title="",
            quorum_deadline_minutes="-1",
            seat_mode="raffle",
            offer_window_minutes="0",
            remind_maybe="sometimes",
        ),
    )
    assert page.status_code == 422
    assert field_error(page.text, "title")
    assert "0 or a positive number" in (field_error(page.text, "quorum_deadline_minutes") or "")
    assert field_error(page.text, "seat_mode") == "choose offer, instant or the channel's"
    assert "between 1 and" in (field_error(page.text, "offer_window_minutes") or "")
    assert field_error(page.text, "remind_maybe") == "choose yes, no or the channel's"
    assert "<title>Fix 5 problems" in page.text
    assert selected(page.text, "seat_mode") is None  # an unknown value is not offered back
    assert input_value(page.text, "quorum_deadline_minutes") == "-1"
    assert await all_games() == []


async def test_edit_shows_and_changes_the_games_settings(host):
    game = await create_game(
        quorum_deadline_minutes=60, seat_mode="offer", offer_window_minutes=15, remind_maybe=False
    )
    await seed_channel(remind_maybe=True, quorum_deadline_minutes=30)  # the server's
    page = await host.get(f"/games/{game.id}/edit")
    assert input_value(page.text, "quorum_deadline_minutes") == "60"
    assert "Leave empty for the channel's or server's (30 min); 0 for no deadline." in page.text
    assert '<option value="">As the channel or server: give it at once</option>' in page.text
    assert '<option value="">As the channel or server: yes</option>' in page.text
    assert selected(page.text, "seat_mode") == "offer"
    assert input_value(page.text, "offer_window_minutes") == "15"
    assert selected(page.text, "remind_maybe") == "no"
    csrf = await csrf_for(host)
    base = _game_form(
        csrf,
        scheduled_at=game.scheduled_at.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes="120",
        max_players="10",
        title=game.title,
    )
    bad = await host.post(
        f"/games/{game.id}/edit",
        data={**base, "quorum_deadline_minutes": "50000", "version": str(game.version)},
    )
    assert bad.status_code == 422
    assert "more than 4 weeks" in (field_error(bad.text, "quorum_deadline_minutes") or "")
    assert (await stored_game(game.id)).quorum_deadline_minutes == 60
    saved = await host.post(
        f"/games/{game.id}/edit",
        data={
            **base,
            "quorum_deadline_minutes": "0",
            "seat_mode": "instant",
            "offer_window_minutes": "",
            "remind_maybe": "yes",
            "version": str(game.version),
        },
    )
    assert saved.status_code == 303, saved.text
    stored = await stored_game(game.id)
    assert (stored.quorum_deadline_minutes, stored.seat_mode) == (0, "instant")
    assert stored.offer_window_minutes is None
    assert stored.remind_maybe is True
    cleared = await host.post(
        f"/games/{game.id}/edit", data={**base, "version": str(stored.version)}
    )
    assert cleared.status_code == 303
    stored = await stored_game(game.id)
    assert stored.quorum_deadline_minutes is None
    assert stored.seat_mode is None
    assert stored.remind_maybe is None


async def test_game_page_says_when_freed_seats_are_offered(host, manager):
    instant = await create_game(title="Instant")
    page = await host.get(f"/games/{instant.id}")
    assert "data-seat-mode" not in page.text
    csrf = await csrf_for(manager)
    base = {"csrf_token": csrf, "enabled": "1", "host_roles_inherit": "1"}
    await manager.post(
        CHANNEL_URL, data={**base, "seat_mode": "offer", "offer_window_minutes": "25"}
    )
    page = await host.get(f"/games/{instant.id}")
    assert "offered to the next on the waitlist, who has 25 min to accept" in page.text
    own = await create_game(title="Own", seat_mode="instant")
    page = await host.get(f"/games/{own.id}")
    assert "data-seat-mode" not in page.text


async def test_a_duplicate_keeps_the_games_own_settings(host):
    original = await create_game(quorum_deadline_minutes=0, seat_mode="offer", remind_maybe=True)
    filled = await host.get(f"/servers/{GUILD_ID}/games/new?from={original.id}")
    assert filled.status_code == 200
    assert input_value(filled.text, "quorum_deadline_minutes") == "0"
    assert selected(filled.text, "seat_mode") == "offer"
    assert input_value(filled.text, "offer_window_minutes") == ""
    assert selected(filled.text, "remind_maybe") == "yes"

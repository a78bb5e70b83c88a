"""Templates, duplicate, the Past tab and attendance through the dashboard's pages and forms."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.database import get_db_session
from game_scheduler.models import GameStatus, utcnow
from game_scheduler.services import history
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, create_game, member, player_id
from tests.support.history import past_game
from tests.support.web import all_games, csrf_for, flash_text, input_value, web_client

MANAGER_ID = 500_000_000_000_000_321


@pytest.fixture
async def manager(app, seeded):
    async with await web_client(app, member(MANAGER_ID, manage=True)) as client:
        yield client


def _template_form(csrf: str, **fields: str) -> dict[str, str]:
    values = {
        "csrf_token": csrf,
        "name": "Friday raid",
        "title": "Raid night",
        "description": "Bring potions.",
        "location": "Voice: Raid",
        "max_players": "8",
        "min_players": "6",
        "duration_minutes": "180",
        "reminder_offsets": "30",
        "channel_id": str(CHANNEL_ID),
        "ping_role_id": "",
    }
    values.update(fields)
    return values


def _new_game_fields(page: str) -> dict[str, str]:
    names = ("title", "location", "max_players", "min_players", "duration_minutes")
    return {name: input_value(page, name) or "" for name in names}


async def test_a_manager_keeps_templates_and_a_host_posts_from_one(manager, host):
    csrf = await csrf_for(manager)
    bad = await manager.post(
        f"/servers/{GUILD_ID}/templates", data=_template_form(csrf, name=" ", min_players="9")
    )
    assert bad.status_code == 422
    assert "name must not be empty" in bad.text
    assert "min players must be between 1 and max players" in bad.text

    saved = await manager.post(f"/servers/{GUILD_ID}/templates", data=_template_form(csrf))
    assert saved.status_code == 303
    listing = await manager.get(saved.headers["location"])
    assert flash_text(listing.text) == "Template Friday raid saved."
    template_id = re.search(rf"/servers/{GUILD_ID}/templates/(\d+)\"", listing.text).group(1)

    refused = await host.get(f"/servers/{GUILD_ID}/templates")
    assert refused.status_code == 403
    no_csrf = await manager.post(
        f"/servers/{GUILD_ID}/templates/{template_id}/delete", data={"csrf_token": "forged"}
    )
    assert no_csrf.status_code == 403

    form = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert "data-template-picker" in form.text
    assert f'<option value="{template_id}">Friday raid</option>' in form.text
    filled = await host.get(f"/servers/{GUILD_ID}/games/new?template={template_id}")
    assert _new_game_fields(filled.text) == {
        "title": "Raid night",
        "location": "Voice: Raid",
        "max_players": "8",
        "min_players": "6",
        "duration_minutes": "180",
    }
    assert input_value(filled.text, "reminder_offsets") == "30"

    start = (utcnow() + timedelta(days=4)).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
    host_csrf = await csrf_for(host)
    posted = await host.post(
        f"/servers/{GUILD_ID}/games",
        data={
            "csrf_token": host_csrf,
            "channel_discord_id": str(CHANNEL_ID),
            "scheduled_at": start,
            "tz_offset": "0",
            "signup_instructions": "",
            "description": "Bring potions.",
            **_new_game_fields(filled.text),
            "reminder_offsets": "30",
        },
    )
    assert posted.status_code == 303, posted.text
    [game] = await all_games()
    assert (game.title, game.location, game.max_players, game.min_players) == (
        "Raid night",
        "Voice: Raid",
        8,
        6,
    )
    assert (game.duration_minutes, game.reminder_offsets, game.description) == (
        180,
        [30],
        "Bring potions.",
    )

    deleted = await manager.post(
        f"/servers/{GUILD_ID}/templates/{template_id}/delete", data={"csrf_token": csrf}
    )
    assert deleted.status_code == 303
    assert "No templates yet." in (await manager.get(deleted.headers["location"])).text


async def test_duplicate_opens_the_form_filled_a_week_later(host):
    original = await create_game(
        member(HOST_ID), title="Tuesday D&D", location="Tavern", max_players=5
    )
    page = await host.get(f"/games/{original.id}")
    assert f'href="/servers/{GUILD_ID}/games/new?from={original.id}" data-duplicate' in page.text
    filled = await host.get(f"/servers/{GUILD_ID}/games/new?from={original.id}")
    assert filled.status_code == 200
    assert input_value(filled.text, "title") == "Tuesday D&D"
    assert input_value(filled.text, "location") == "Tavern"
    assert input_value(filled.text, "max_players") == "5"
    week_later = (original.scheduled_at + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    assert f'data-utc="{week_later}"' in filled.text
    elsewhere = await host.get(f"/servers/{GUILD_ID + 1}/games/new?from={original.id}")
    assert elsewhere.status_code == 404


async def test_the_past_tab_lists_finished_games_with_rosters_and_filters(host, app):
    now = utcnow()
    done, players = await past_game(
        member(HOST_ID), 2, title="Catan", started=now - timedelta(hours=5)
    )
    await past_game(
        member(HOST_ID),
        1,
        status=GameStatus.CANCELLED,
        title="Poker",
        started=now - timedelta(days=1),
    )
    other_host = player_id()
    old = datetime(2026, 9, 10, 18, 0, tzinfo=UTC)
    await past_game(member(other_host), 1, title="Chess", started=old)
    await create_game(member(HOST_ID), title="Upcoming one")

    page = await host.get(f"/servers/{GUILD_ID}/past")
    assert page.status_code == 200
    titles = re.findall(r'<h3><a href="/games/\d+">([^<]+)</a></h3>', page.text)
    assert titles == ["Catan", "Poker", "Chess"]
    roster = ", ".join(f"user{p % 1000}" for p in players)
    assert f"Players: {roster}" in page.text
    assert f'href="/games/{done}/attendance"' in page.text
    assert "Games run: <strong>2</strong> · Cancelled: <strong>1</strong>" in page.text

    by_month = await host.get(f"/servers/{GUILD_ID}/past?month=2026-09")
    assert re.findall(r'<h3><a href="/games/\d+">([^<]+)</a></h3>', by_month.text) == ["Chess"]
    by_host = await host.get(f"/servers/{GUILD_ID}/past?host={HOST_ID}")
    assert re.findall(r'<h3><a href="/games/\d+">([^<]+)</a></h3>', by_host.text) == [
        "Catan",
        "Poker",
    ]
    odd = await host.get(f"/servers/{GUILD_ID}/past?month=nope")
    assert odd.status_code == 200
    assert "Month must be written YYYY-MM" in odd.text
    upcoming = await host.get(f"/servers/{GUILD_ID}")
    assert f'href="/servers/{GUILD_ID}/past"' in upcoming.text


async def test_attendance_round_trip_through_the_form(host, player):
    game_id, (alice, bob) = await past_game(member(HOST_ID), 2)
    form = await host.get(f"/games/{game_id}/attendance")
    assert form.status_code == 200
    assert f'name="mark-{alice}" value="attended"' in form.text
    csrf = await csrf_for(host)

    forged = await host.post(
        f"/games/{game_id}/attendance", data={"csrf_token": "x", f"mark-{alice}": "attended"}
    )
    assert forged.status_code == 403
    saved = await host.post(
        f"/games/{game_id}/attendance",
        data={"csrf_token": csrf, f"mark-{alice}": "attended", f"mark-{bob}": "no_show"},
    )
    assert saved.status_code == 303
    again = await host.get(saved.headers["location"])
    assert flash_text(again.text) == "Attendance saved."
    assert f'name="mark-{alice}" value="attended" checked' in again.text
    assert f'name="mark-{bob}" value="no_show" checked' in again.text
    async with get_db_session() as db:
        past = await history.read_attendance(db, member(HOST_ID), game_id)
    assert {s.participant.user.discord_id: s.mark.value for s in past.seats if s.mark} == {
        alice: "attended",
        bob: "no_show",
    }

    assert (await player.get(f"/games/{game_id}/attendance")).status_code == 403
    upcoming = await create_game(member(HOST_ID))
    early = await host.get(f"/games/{upcoming.id}/attendance")
    assert early.status_code == 303
    assert "completed" in html.unescape(
        flash_text((await host.get(early.headers["location"])).text) or ""
    )


async def test_my_stats_page_counts_games_played_and_no_shows_per_server(app, host):
    game_id, (alice, bob) = await past_game(member(HOST_ID), 2)
    await past_game(member(HOST_ID), 0, status=GameStatus.CANCELLED)
    async with get_db_session() as db:
        await history.mark_attendance(db, member(HOST_ID), game_id, {bob: "no_show"})
    async with await web_client(app, member(alice)) as as_alice:
        page = await as_alice.get("/me/stats")
    row = re.search(r"<tr><th scope=\"row\">.*?</tr>", page.text)
    assert row is not None
    assert "Test Server</a></th><td>1</td><td>0</td>" in row.group(0)
    async with await web_client(app, member(bob)) as as_bob:
        page = await as_bob.get("/me/stats")
    assert "Test Server</a></th><td>0</td><td>1</td>" in page.text
    assert "No completed games yet." in (await host.get("/me/stats")).text

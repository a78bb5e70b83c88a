"""Duplicate, past games with filters, attendance and stats over HTTP."""

from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.domain.status import GameStatus
from game_scheduler.models import utcnow
from tests.support.api import client_for, open_session
from tests.support.factories import (
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)
from tests.support.history import past_game

OTHER_HOST = 500_000_000_000_000_077


@pytest.fixture
async def host(app, pg_db_url):
    await seed_channel()
    async with client_for(app, await open_session(member(HOST_ID))) as client:
        yield client


async def test_duplicate_copies_the_fields_not_the_players(host):
    game_id, _ = await past_game(member(HOST_ID), 2, status=GameStatus.CANCELLED)
    copied = await host.post(f"/api/v1/games/{game_id}/duplicate")
    assert copied.status_code == 201, copied.text
    copy = copied.json()
    original = (await host.get(f"/api/v1/games/{game_id}")).json()
    for field in ("title", "description", "location", "max_players", "duration_minutes"):
        assert copy[field] == original[field]
    assert copy["id"] != game_id
    assert copy["status"] == "SCHEDULED"
    assert copy["confirmed"] == []
    start, old = (datetime.fromisoformat(g["scheduled_at"]) for g in (copy, original))
    assert start > utcnow()
    assert (start - old) % timedelta(days=7) == timedelta(0)

    chosen = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    again = await host.post(
        f"/api/v1/games/{game_id}/duplicate", json={"scheduled_at": chosen.isoformat()}
    )
    assert datetime.fromisoformat(again.json()["scheduled_at"]) == chosen
    past = await host.post(
        f"/api/v1/games/{game_id}/duplicate",
        json={"scheduled_at": (utcnow() - timedelta(hours=1)).isoformat()},
    )
    assert past.status_code == 422
    assert past.json()["detail"][0]["loc"][-1] == "scheduled_at"


async def test_past_lists_completed_and_cancelled_newest_first_with_filters(app, host):
    now = utcnow()
    done, players = await past_game(member(HOST_ID), 2, started=now - timedelta(days=1))
    called_off, _ = await past_game(
        member(HOST_ID), 1, status=GameStatus.CANCELLED, started=now - timedelta(days=2)
    )
    october = datetime(2026, 10, 14, 19, 0, tzinfo=UTC)
    other, _ = await past_game(member(OTHER_HOST), 1, started=october)
    await create_game(member(HOST_ID))  # upcoming: never listed

    url = f"/api/v1/guilds/{GUILD_ID}/past"
    page = (await host.get(url)).json()
    assert [g["id"] for g in page["items"]] == [done, called_off, other]
    assert page["total"] == 3
    first = page["items"][0]
    assert [p["id"] for p in first["confirmed"]] == [str(p) for p in players]
    assert all(p["attendance"] is None for p in first["confirmed"])
    assert first["can_mark_attendance"] is True
    assert page["items"][1]["can_mark_attendance"] is False  # cancelled

    by_host = (await host.get(url, params={"host_id": str(OTHER_HOST)})).json()
    assert [g["id"] for g in by_host["items"]] == [other]
    by_month = (await host.get(url, params={"month": "2026-10"})).json()
    assert [g["id"] for g in by_month["items"]] == [other]
    paged = (await host.get(url, params={"limit": 1, "offset": 1})).json()
    assert ([g["id"] for g in paged["items"]], paged["total"]) == ([called_off], 3)
    bad = await host.get(url, params={"month": "2026-13"})
    assert bad.status_code == 422

    stranger = member(player_id(), guild_id=GUILD_ID + 9)
    async with client_for(app, await open_session(stranger)) as client:
        assert (await client.get(url)).status_code == 404


async def test_attendance_round_trip_and_stats(app, host):
    game_id, (alice, bob) = await past_game(member(HOST_ID), 2)
    second_id, (carol,) = await past_game(member(HOST_ID), 1)
    url = f"/api/v1/games/{game_id}/attendance"

    saved = await host.put(url, json={"marks": {str(alice): "attended", str(bob): "no_show"}})
    assert saved.status_code == 200, saved.text
    marks = {p["id"]: p["attendance"] for p in saved.json()["confirmed"]}
    assert marks == {str(alice): "attended", str(bob): "no_show"}
    assert (await host.get(url)).json()["confirmed"] == saved.json()["confirmed"]

    changed = await host.put(url, json={"marks": {str(bob): "attended"}})
    marks = {p["id"]: p["attendance"] for p in changed.json()["confirmed"]}
    assert marks == {str(alice): "attended", str(bob): "attended"}
    await host.put(url, json={"marks": {str(bob): "no_show"}})

    outsider = await host.put(url, json={"marks": {str(carol): "attended"}})
    assert outsider.status_code == 422
    assert outsider.json()["detail"][0]["loc"][-1] == f"marks.{carol}"
    unknown = await host.put(url, json={"marks": {str(bob): "maybe"}})
    assert unknown.status_code == 422

    async with client_for(app, await open_session(member(alice))) as as_alice:
        refused = await as_alice.put(url, json={"marks": {str(alice): "attended"}})
        assert refused.status_code == 403
        mine = (await as_alice.get("/api/v1/me/stats")).json()
        assert (mine["games_played"], mine["no_shows"]) == (1, 0)
    async with client_for(app, await open_session(member(bob))) as as_bob:
        mine = (await as_bob.get("/api/v1/me/stats", params={"guild_id": str(GUILD_ID)})).json()
        assert (mine["games_played"], mine["no_shows"], mine["attended_marked"]) == (0, 1, 0)

    upcoming = await create_game(member(HOST_ID))
    early = await host.put(
        f"/api/v1/games/{upcoming.id}/attendance", json={"marks": {str(alice): "attended"}}
    )
    assert early.status_code == 422

    await past_game(member(HOST_ID), 0, status=GameStatus.CANCELLED)
    stats = (await host.get(f"/api/v1/guilds/{GUILD_ID}/stats")).json()
    assert stats["games_completed"] == 2
    assert stats["games_cancelled"] == 1
    assert stats["games_marked"] == 1
    assert stats["no_shows"] == 1
    assert stats["average_attendance"] == 1.0  # alice and carol came, over two games
    assert {(p["id"], p["played"]) for p in stats["top_players"]} == {
        (str(alice), 1),
        (str(carol), 1),
    }
    assert second_id != game_id

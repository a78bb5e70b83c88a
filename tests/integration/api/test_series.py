"""Series over HTTP: create (also through POST /games), read, list, change, split, delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.database import get_sync_db_session
from game_scheduler.models import utcnow
from game_scheduler.scheduler.services.series import materialise_all
from tests.support.api import client_for, open_session
from tests.support.factories import CHANNEL_ID, HOST_ID, member, player_id, seed_channel
from tests.support.series import KeepingPublisher


@pytest.fixture
async def host_client(app, pg_db_url):
    await seed_channel()
    async with client_for(app, await open_session(member(HOST_ID))) as client:
        yield client


def _first_start() -> str:
    return (datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)).isoformat()


def _materialise() -> None:
    with get_sync_db_session() as session:
        materialise_all(session, utcnow(), KeepingPublisher())


async def test_round_trip(host_client):
    created = await host_client.post(
        "/api/v1/series",
        json={
            "channel_id": str(CHANNEL_ID),
            "title": "Friday raid",
            "scheduled_at": _first_start(),
            "max_players": 8,
            "recurrence": {"zone": "Europe/Berlin", "kind": "weekly", "count": 10},
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["rrule"].startswith("FREQ=WEEKLY;INTERVAL=1;BYDAY=")
    assert body["rrule"].endswith("COUNT=10")
    assert body["carry_mode"] == "fresh"
    assert len(body["upcoming_game_ids"]) == 1
    series_id = body["id"]
    first_id = body["upcoming_game_ids"][0]
    game = (await host_client.get(f"/api/v1/games/{first_id}")).json()
    assert game["series_id"] == series_id
    assert game["occurrence_start"] == game["scheduled_at"]

    _materialise()
    read = (await host_client.get(f"/api/v1/series/{series_id}")).json()
    assert len(read["upcoming_game_ids"]) == 2
    listed = (await host_client.get("/api/v1/series")).json()
    assert [s["id"] for s in listed["items"]] == [series_id]

    changed = await host_client.patch(
        f"/api/v1/series/{series_id}", json={"title": "Friday raid (heroic)", "carry_mode": "carry"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["carry_mode"] == "carry"
    for game_id in read["upcoming_game_ids"]:
        game = (await host_client.get(f"/api/v1/games/{game_id}")).json()
        assert game["title"] == "Friday raid (heroic)"

    deleted = await host_client.delete(f"/api/v1/series/{series_id}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["ended_at"] is not None
    assert deleted.json()["upcoming_game_ids"] == []
    for game_id in read["upcoming_game_ids"]:
        assert (await host_client.get(f"/api/v1/games/{game_id}")).json()["status"] == "CANCELLED"
    assert (await host_client.get("/api/v1/series")).json()["items"] == []


async def test_game_create_with_recurrence_and_a_following_edit(host_client):
    created = await host_client.post(
        "/api/v1/games",
        json={
            "channel_id": str(CHANNEL_ID),
            "title": "Board games",
            "scheduled_at": _first_start(),
            "recurrence": {"zone": "Europe/Berlin", "kind": "monthly_weekday", "nth": 2},
        },
    )
    assert created.status_code == 201, created.text
    first = created.json()
    assert first["series_id"] is not None
    _materialise()
    series = (await host_client.get(f"/api/v1/series/{first['series_id']}")).json()
    assert "BYDAY=2" in series["rrule"]
    first_id, second_id = series["upcoming_game_ids"]
    split = await host_client.patch(
        f"/api/v1/games/{second_id}", json={"title": "Board games v2", "scope": "following"}
    )
    assert split.status_code == 200, split.text
    assert split.json()["series_id"] != first["series_id"]
    assert (await host_client.get(f"/api/v1/games/{first_id}")).json()["title"] == "Board games"


async def test_bad_recurrence_names_every_field(host_client):
    response = await host_client.post(
        "/api/v1/series",
        json={
            "channel_id": str(CHANNEL_ID),
            "title": "Bad",
            "scheduled_at": (utcnow() - timedelta(hours=1)).isoformat(),
            "recurrence": {"zone": "Mars/Olympus", "kind": "weekly"},
        },
    )
    assert response.status_code == 422, response.text
    fields = {".".join(str(p) for p in e["loc"][1:]) for e in response.json()["detail"]}
    assert "scheduled_at" in fields
    assert any("zone" in f for f in fields)


async def test_only_the_host_may_delete(app, host_client):
    created = await host_client.post(
        "/api/v1/series",
        json={
            "channel_id": str(CHANNEL_ID),
            "title": "Mine",
            "scheduled_at": _first_start(),
            "recurrence": {"zone": "UTC", "kind": "weekly"},
        },
    )
    series_id = created.json()["id"]
    async with client_for(app, await open_session(member(player_id()))) as other:
        refused = await other.delete(f"/api/v1/series/{series_id}")
    assert refused.status_code == 403, refused.text


async def test_a_template_change_the_rules_refuse_changes_nothing(host_client):
    created = await host_client.post(
        "/api/v1/series",
        json={
            "channel_id": str(CHANNEL_ID),
            "title": "Seats",
            "scheduled_at": _first_start(),
            "max_players": 4,
            "recurrence": {"zone": "UTC", "kind": "weekly"},
        },
    )
    series_id = created.json()["id"]
    refused = await host_client.patch(
        f"/api/v1/series/{series_id}", json={"max_players": 2, "min_players": 3}
    )
    assert refused.status_code == 422, refused.text
    after = (await host_client.get(f"/api/v1/series/{series_id}")).json()
    assert (after["max_players"], after["min_players"]) == (4, 1)
    [game_id] = after["upcoming_game_ids"]
    assert (await host_client.get(f"/api/v1/games/{game_id}")).json()["max_players"] == 4

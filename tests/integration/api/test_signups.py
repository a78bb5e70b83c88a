"""Join, leave, host adds and removes; 50 simultaneous joins to 10 seats over HTTP."""

import asyncio

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope
from game_scheduler.models import OutboxEvent
from tests.support.api import client_for, open_session
from tests.support.factories import HOST_ID, create_game, member, player_id, seed_channel
from tests.support.members import seed_member


async def _events(event_type: str) -> list[dict]:
    async with get_db_session() as db:
        rows = await db.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id)
        )
        return [Envelope.model_validate(p).data for p in rows.scalars()]


async def test_join_leave_and_conflicts(app, db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    first, second = member(player_id()), member(player_id())
    async with (
        client_for(app, await open_session(first)) as a,
        client_for(app, await open_session(second)) as b,
    ):
        seat = await a.post(f"/api/v1/games/{game.id}/join")
        assert seat.status_code == 200
        assert seat.json() == {
            "game_id": game.id,
            "user_id": str(first.discord_id),
            "signed_up": True,
            "confirmed": True,
            "waitlist_position": None,
            "confirmed_count": 1,
            "waitlist_count": 0,
            "status": "confirmed",
        }
        waiting = (await b.post(f"/api/v1/games/{game.id}/join")).json()
        assert waiting["confirmed"] is False
        assert waiting["waitlist_position"] == 1
        again = await a.post(f"/api/v1/games/{game.id}/join")
        assert again.status_code == 409
        assert "already" in again.json()["detail"]
        left = await a.post(f"/api/v1/games/{game.id}/leave")
        assert left.status_code == 200
        assert left.json()["signed_up"] is False
        assert (await a.post(f"/api/v1/games/{game.id}/leave")).status_code == 409
        detail = (await b.get(f"/api/v1/games/{game.id}")).json()
    assert [p["id"] for p in detail["confirmed"]] == [str(second.discord_id)]
    assert detail["my_standing"] == "confirmed"
    [promoted] = await _events("game.waitlist_promoted")
    assert promoted["user_discord_id"] == str(second.discord_id)


async def test_host_adds_and_removes_players(app, db_url, configure):
    configure(removal_dm_grace_minutes="0")
    await seed_channel()
    game = await create_game(max_players=1)
    guest, stranger = player_id(), member(player_id())
    await seed_member(guest)
    async with (
        client_for(app, await open_session(member(HOST_ID))) as host,
        client_for(app, await open_session(stranger)) as other,
    ):
        added = await host.post(f"/api/v1/games/{game.id}/players", json={"user_id": str(guest)})
        assert added.status_code == 201
        assert added.json()["user_id"] == str(guest)
        assert added.json()["confirmed"] is True
        refused = await other.post(f"/api/v1/games/{game.id}/players", json={"user_id": "5"})
        assert refused.status_code == 403
        assert (await other.delete(f"/api/v1/games/{game.id}/players/{guest}")).status_code == 403
        removed = await host.delete(f"/api/v1/games/{game.id}/players/{guest}")
        assert removed.status_code == 200
        assert removed.json()["signed_up"] is False
        missing = await host.delete(f"/api/v1/games/{game.id}/players/{guest}")
        assert missing.status_code == 409
    dms = await _events("notification.send_dm")
    assert [(d["recipient_discord_id"], d["kind"]) for d in dms] == [(str(guest), "removed")]


@pytest.mark.postgres_only
async def test_fifty_simultaneous_joins_to_ten_seats(app, pg_db_url):
    await seed_channel()
    game = await create_game(max_players=10)
    players = [member(player_id()) for _ in range(50)]
    cookies = [await open_session(p) for p in players]
    clients = [client_for(app, c) for c in cookies]
    try:
        responses = await asyncio.gather(
            *(c.post(f"/api/v1/games/{game.id}/join") for c in clients)
        )
        assert [r.status_code for r in responses] == [200] * 50
        standings = [r.json() for r in responses]
        assert sum(s["confirmed"] for s in standings) == 10
        places = sorted(s["waitlist_position"] for s in standings if not s["confirmed"])
        assert places == list(range(1, 41))

        detail = (await clients[0].get(f"/api/v1/games/{game.id}")).json()
        assert len(detail["confirmed"]) == 10
        assert len(detail["waitlist"]) == 40
        assert [p["waitlist_position"] for p in detail["waitlist"]] == list(range(1, 41))
        first_waiting = detail["waitlist"][0]["id"]
        leaver = next(
            c
            for c, p, s in zip(clients, players, standings, strict=True)
            if s["confirmed"] and str(p.discord_id) == detail["confirmed"][0]["id"]
        )
        assert (await leaver.post(f"/api/v1/games/{game.id}/leave")).status_code == 200
        after = (await clients[0].get(f"/api/v1/games/{game.id}")).json()
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    assert first_waiting in [p["id"] for p in after["confirmed"]]
    assert len(after["confirmed"]) == 10
    assert len(after["waitlist"]) == 39
    [promoted] = await _events("game.waitlist_promoted")
    assert promoted["user_discord_id"] == first_waiting
    assert promoted["confirmed"] is True
    assert len(await _events("game.player_joined")) == 50

"""The API's roster additions: move between seat and waitlist, and cancel with a reason."""

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope
from game_scheduler.models import OutboxEvent
from tests.support.api import client_for, open_session
from tests.support.factories import HOST_ID, create_game, member, player_id, seed_channel


async def _dms() -> list[dict]:
    async with get_db_session() as db:
        rows = await db.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == "notification.send_dm")
            .order_by(OutboxEvent.id)
        )
        return [Envelope.model_validate(p).data for p in rows.scalars()]


async def test_host_moves_players_and_others_cannot(app, pg_db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    seated, waiting = member(player_id()), member(player_id())
    async with (
        client_for(app, await open_session(member(HOST_ID))) as host,
        client_for(app, await open_session(seated)) as a,
        client_for(app, await open_session(waiting)) as b,
    ):
        await a.post(f"/api/v1/games/{game.id}/join")
        await b.post(f"/api/v1/games/{game.id}/join")
        path = f"/api/v1/games/{game.id}/players/{waiting.discord_id}/move"
        assert (await b.post(path, json={"to": "seat"})).status_code == 403
        bad = await host.post(path, json={"to": "bench"})
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["body", "to"]
        moved = await host.post(path, json={"to": "seat"})
        assert moved.status_code == 200, moved.text
        assert (moved.json()["confirmed"], moved.json()["waitlist_position"]) == (True, None)
        again = await host.post(path, json={"to": "seat"})
        assert again.status_code == 422
        assert again.json()["detail"][0]["loc"] == ["body", "to"]
        detail = (await host.get(f"/api/v1/games/{game.id}")).json()
    assert [p["id"] for p in detail["confirmed"]] == [str(waiting.discord_id)]
    assert [p["id"] for p in detail["waitlist"]] == [str(seated.discord_id)]
    assert [(d["recipient_discord_id"], d["kind"]) for d in await _dms()] == [
        (str(waiting.discord_id), "waitlist_promotion"),
        (str(seated.discord_id), "demoted"),
    ]


async def test_cancel_takes_an_optional_reason(app, pg_db_url):
    await seed_channel()
    game = await create_game()
    plain = await create_game()
    player = member(player_id())
    async with (
        client_for(app, await open_session(member(HOST_ID))) as host,
        client_for(app, await open_session(player)) as p,
    ):
        await p.post(f"/api/v1/games/{game.id}/join")
        too_long = await host.post(f"/api/v1/games/{game.id}/cancel", json={"reason": "x" * 501})
        assert too_long.status_code == 422
        assert too_long.json()["detail"][0]["loc"] == ["body", "reason"]
        cancelled = await host.post(f"/api/v1/games/{game.id}/cancel", json={"reason": "Flooded"})
        assert cancelled.status_code == 200
        assert cancelled.json()["cancel_reason"] == "Flooded"
        without = await host.post(f"/api/v1/games/{plain.id}/cancel")
        assert without.status_code == 200
        assert without.json()["cancel_reason"] is None
    [dm] = await _dms()
    assert (dm["recipient_discord_id"], dm["kind"], dm["reason"]) == (
        str(player.discord_id),
        "cancellation",
        "Flooded",
    )

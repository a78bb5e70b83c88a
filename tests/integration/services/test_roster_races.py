"""Simultaneous joins and leaves on PostgreSQL and SQLite: seats, positions and promotion DMs."""

import asyncio

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.models import OutboxEvent, Participant
from game_scheduler.services import signups
from tests.support.factories import create_game, member, player_id, seed_channel


async def _together(action, game_id, actors):
    async def run(actor):
        async with get_db_session() as session:
            return await action(session, actor, game_id)

    return await asyncio.gather(*(run(a) for a in actors))


async def test_simultaneous_joins_then_leaves_seat_and_promote_each_player_once(db_url):
    await seed_channel()
    game = await create_game(max_players=10)
    players = [member(player_id()) for _ in range(20)]

    standings = await _together(signups.join_game, game.id, players)

    assert sum(s.confirmed for s in standings) == 10
    async with get_db_session() as session:
        rows = list(
            await session.scalars(
                select(Participant)
                .where(Participant.game_id == game.id)
                .order_by(Participant.position)
            )
        )
    assert len(rows) == 20
    assert len({r.position for r in rows}) == 20
    by_user = {p.discord_id: p for p in players}
    async with get_db_session() as session:
        joined = [
            Envelope.model_validate(p).data
            for p in await session.scalars(
                select(OutboxEvent.payload).where(
                    OutboxEvent.event_type == EventType.PLAYER_JOINED.value
                )
            )
        ]
    order = {int(j["user_discord_id"]): j for j in joined}
    confirmed = [d for d, j in order.items() if j["confirmed"]]
    waitlisted = sorted((j["waitlist_position"], d) for d, j in order.items() if not j["confirmed"])
    assert len(confirmed) == 10
    assert [pos for pos, _ in waitlisted] == list(range(1, 11))

    await _together(signups.leave_game, game.id, [by_user[d] for d in confirmed[:5]])

    async with get_db_session() as session:
        dms = [
            Envelope.model_validate(p).data
            for p in await session.scalars(
                select(OutboxEvent.payload).where(OutboxEvent.event_type == EventType.SEND_DM.value)
            )
        ]
    promoted = sorted(int(dm["recipient_discord_id"]) for dm in dms)
    assert [dm["kind"] for dm in dms] == ["waitlist_promotion"] * 5
    assert promoted == sorted(d for _, d in waitlisted[:5])

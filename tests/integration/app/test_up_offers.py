"""``up`` expires seat offers too: the embedded scheduler runs the same expiry (SQLite included)."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from game_scheduler.app.embedded_scheduler import EmbeddedScheduler
from game_scheduler.database import get_db_session
from game_scheduler.messaging.bus import InProcessBus
from game_scheduler.messaging.events import DmKind, EventType, SendDm
from game_scheduler.models import SeatOffer, utcnow
from game_scheduler.services import signups
from tests.support.factories import create_game, member, player_id, seed_channel


async def test_the_embedded_scheduler_moves_a_lapsed_offer_to_the_next_player(db_url):
    await seed_channel()
    game = await create_game(max_players=1, seat_mode="offer")
    a, b, c = (member(player_id()) for _ in range(3))
    async with get_db_session() as session:
        for actor in (a, b, c):
            await signups.join_game(session, actor, game.id)
        await signups.leave_game(session, a, game.id)
        await session.execute(update(SeatOffer).values(expires_at=utcnow()))
        await session.commit()
    seen: list[tuple[int, DmKind]] = []
    offered_to_c = asyncio.Event()

    async def record(envelope):
        dm = envelope.payload()
        assert isinstance(dm, SendDm)
        seen.append((int(dm.recipient_discord_id), dm.kind))
        if (c.discord_id, DmKind.SEAT_OFFER) in seen:
            offered_to_c.set()

    bus = InProcessBus({EventType.SEND_DM: record})
    await bus.start()
    scheduler = EmbeddedScheduler(bus.sync_adapter(), tick=0.05)
    scheduler.start()
    try:
        await asyncio.wait_for(offered_to_c.wait(), timeout=30)
    finally:
        await asyncio.to_thread(scheduler.stop)
        await bus.stop()
    assert (b.discord_id, DmKind.OFFER_LAPSED) in seen
    assert seen.count((c.discord_id, DmKind.SEAT_OFFER)) == 1

"""``up``'s embedded scheduler materialises series and the bus carries game.created to the bot."""

from __future__ import annotations

import asyncio

from game_scheduler.app.embedded_scheduler import EmbeddedScheduler
from game_scheduler.messaging.bus import InProcessBus
from game_scheduler.messaging.events import EventType
from tests.support.factories import seed_channel
from tests.support.series import create_weekly


async def test_up_materialises_the_next_occurrence_and_announces_it(db_url):
    await seed_channel()
    _, first_id = await create_weekly(hours_ahead=24)
    announced: list[int] = []
    seen = asyncio.Event()

    async def on_created(envelope):
        game_id = envelope.data["game_id"]
        if game_id != first_id:
            announced.append(game_id)
            seen.set()

    bus = InProcessBus({EventType.GAME_CREATED: on_created})
    await bus.start()
    scheduler = EmbeddedScheduler(bus.sync_adapter())
    scheduler.start()
    try:
        await asyncio.wait_for(seen.wait(), timeout=30)
    finally:
        await asyncio.to_thread(scheduler.stop)
        await bus.stop()
    assert len(announced) == 1

"""``up`` stops promptly even while its scheduler thread waits on the event loop."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from game_scheduler.app.embedded_scheduler import EmbeddedScheduler
from game_scheduler.app.up import shut_down
from game_scheduler.bot.announcements import AnnouncementKeeper
from game_scheduler.bot.console_port import ConsolePort
from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.bus import InProcessBus
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.outbox import stage
from game_scheduler.models import OutboxEvent, utcnow
from tests.support.events import send_dm


async def test_shut_down_while_the_scheduler_publishes_on_the_loop_is_prompt(db_url):
    entered = asyncio.Event()

    async def slow_handler(envelope):
        entered.set()
        await asyncio.sleep(1)

    bus = InProcessBus({EventType.SEND_DM: slow_handler})
    await bus.start()
    with get_sync_db_session() as session:
        stage(session, send_dm())
        session.commit()
        session.query(OutboxEvent).update({"created_at": utcnow() - timedelta(minutes=1)})
        session.commit()
    scheduler = EmbeddedScheduler(bus.sync_adapter())
    scheduler.start()
    # The relay round publishes through the bus: the scheduler thread now waits on this loop.
    await asyncio.wait_for(entered.wait(), timeout=30)
    started = time.monotonic()
    keeper = AnnouncementKeeper(ConsolePort())
    await asyncio.wait_for(shut_down(scheduler, bus, keeper, None), timeout=20)
    # Joining the thread on the loop waited for the bus's 30 s timeout.
    assert time.monotonic() - started < 5

"""Publishing after the response: batches in commit order, marked; the rest left to the relay."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import select

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.messaging import outbox
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.publish_queue import PublishQueue
from game_scheduler.models import OutboxEvent
from tests.support.events import send_dm

queue_log = "game_scheduler.messaging.publish_queue"


class GatedPublisher:
    """Records each batch; each waits for the test to open the gate (or fails if told to)."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = asyncio.Event()
        self.fail = False
        self.called = asyncio.Event()

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        self.batches.append([str(e.event_id) for e in envelopes])
        self.called.set()
        await self.gate.wait()
        if self.fail:
            raise ConnectionError("broker gone")


async def until_taken(publisher: GatedPublisher, count: int) -> None:
    """Until the publisher was handed ``count`` events in all."""
    while sum(map(len, publisher.batches)) < count:
        publisher.called.clear()
        await publisher.called.wait()


def unpublished() -> set[str]:
    with get_sync_db_session() as session:
        return set(
            session.scalars(select(OutboxEvent.event_id).where(OutboxEvent.published_at.is_(None)))
        )


async def committed(queue: PublishQueue, count: int) -> list[str]:
    """``count`` writes, each staging one event and handing it to the queue after commit."""
    outbox.set_async_publisher(queue)
    ids = []
    try:
        for _ in range(count):
            envelope = send_dm()
            async with get_db_session() as session:
                outbox.stage(session, envelope)
                await outbox.commit_and_publish(session)
            ids.append(str(envelope.event_id))
    finally:
        outbox.set_async_publisher(None)
    return ids


async def test_writes_return_before_the_broker_confirms_and_queued_events_go_as_one_batch(db_url):
    publisher = GatedPublisher()
    queue = PublishQueue(publisher)
    queue.start()
    first = await committed(queue, 1)
    await until_taken(publisher, 1)  # the first batch is in flight, held at the gate
    rest = await committed(queue, 5)  # every write returned with the broker still silent
    assert unpublished() == set(first + rest)
    publisher.gate.set()
    await queue.close()
    assert publisher.batches == [first, rest]
    assert unpublished() == set()


async def test_a_failed_batch_stays_in_the_outbox_and_later_batches_still_go(db_url, caplog):
    publisher = GatedPublisher()
    publisher.fail = True
    queue = PublishQueue(publisher)
    queue.start()
    lost = await committed(queue, 1)
    await until_taken(publisher, 1)  # held at the gate while two more writes commit
    lost += await committed(queue, 2)
    publisher.gate.set()
    await until_taken(publisher, 3)  # two batches, both failed
    publisher.fail = False
    sent = await committed(queue, 1)
    await queue.close()
    assert unpublished() == set(lost)  # the relay's to send
    assert publisher.batches == [lost[:1], lost[1:], sent]
    # The outage is told once when it starts and once when it ends, not once per batch.
    said = [r.getMessage() for r in caplog.records if r.name == queue_log]
    assert said == [
        "publishing events failed; the outbox relay sends them once the broker is back",
        "publishing works again after 2 failed batches",
    ]


async def test_closing_publishes_what_is_still_queued(db_url):
    publisher = GatedPublisher()
    publisher.gate.set()
    queue = PublishQueue(publisher, max_batch=2)
    ids = await committed(queue, 5)  # handed over before the task even runs
    queue.start()
    await queue.close()
    assert publisher.batches == [ids[:2], ids[2:4], ids[4:]]
    assert unpublished() == set()

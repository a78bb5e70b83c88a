"""The bot's consumer on the real broker: once per event, poison to the dead-letter queue."""

import json
import uuid

import pika
import pytest
from sqlalchemy import func, select

from game_scheduler.database import get_db_session
from game_scheduler.messaging import topology
from game_scheduler.messaging.consumer import EventConsumer
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.sync_publisher import SyncPublisher
from game_scheduler.models import ProcessedEvent
from tests.support.amqp import tap
from tests.support.events import send_dm
from tests.support.waiting import wait_until


class Recorder:
    """A send_dm handler that fails the first ``failures`` calls for each event."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls: list[str] = []

    async def __call__(self, envelope) -> None:
        self.calls.append(str(envelope.event_id))
        if self.calls.count(str(envelope.event_id)) <= self.failures:
            raise RuntimeError("handler failed on purpose")


@pytest.fixture
async def broker(rabbitmq_url):
    """A tap (for the dead-letter queue and raw publishes) and a publisher, queues emptied."""
    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t:
        t.channel.queue_purge(topology.BOT_QUEUE)
        t.channel.queue_purge(topology.DEAD_LETTER_QUEUE)
        yield t, publisher
    publisher.close()


async def run_consumer(rabbitmq_url, handler, **options):
    consumer = EventConsumer(
        {EventType.SEND_DM: handler}, url=rabbitmq_url, retry_delay=0, **options
    )
    await consumer.start()
    return consumer


def dead_letters(t):
    return [m.body for m in t.drain(topology.DEAD_LETTER_QUEUE)]


def queue_depth(t, name=topology.BOT_QUEUE):
    declared = t.channel.queue_declare(name, passive=True)
    return declared.method.message_count


async def processed_count() -> int:
    async with get_db_session() as session:
        return (
            await session.execute(select(func.count()).select_from(ProcessedEvent))
        ).scalar_one()


async def test_redelivered_event_is_handled_once(db_url, rabbitmq_url, broker):
    t, publisher = broker
    handler = Recorder()
    envelope = send_dm()
    consumer = await run_consumer(rabbitmq_url, handler)
    try:
        publisher.publish(envelope)
        publisher.publish(envelope)
        follower = send_dm(1)
        publisher.publish(follower)
        await wait_until(lambda: str(follower.event_id) in handler.calls)
        await wait_until(lambda: queue_depth(t) == 0)
    finally:
        await consumer.stop()
    assert handler.calls.count(str(envelope.event_id)) == 1
    assert await processed_count() == 2
    assert dead_letters(t) == []


async def test_poison_goes_to_the_dead_letter_queue_and_the_next_message_is_handled(
    db_url, rabbitmq_url, broker
):
    t, publisher = broker
    handler = Recorder()
    consumer = await run_consumer(rabbitmq_url, handler)
    unknown_type = json.dumps(
        {
            "event_id": str(uuid.uuid4()),
            "event_type": "game.exploded",
            "occurred_at": "2030-01-01T00:00:00Z",
            "data": {},
        }
    ).encode()
    bad_payload = send_dm().model_copy(update={"data": {"title": 3}}).to_bytes()
    poison = [b"{not json", b"\xff\xfe", unknown_type, bad_payload]
    try:
        for body in poison:
            t.channel.basic_publish(
                topology.EXCHANGE,
                "notification.send_dm",
                body,
                pika.BasicProperties(content_type="application/json"),
            )
        good = send_dm()
        publisher.publish(good)
        await wait_until(lambda: handler.calls == [str(good.event_id)])
        await wait_until(lambda: queue_depth(t, topology.DEAD_LETTER_QUEUE) == len(poison))
    finally:
        await consumer.stop()
    assert sorted(dead_letters(t)) == sorted(poison)


async def test_passing_failure_is_retried_and_handled_once(db_url, rabbitmq_url, broker):
    t, publisher = broker
    handler = Recorder(failures=2)
    envelope = send_dm()
    consumer = await run_consumer(rabbitmq_url, handler, max_redeliveries=3)
    try:
        publisher.publish(envelope)
        await wait_until(lambda: len(handler.calls) == 3)
        await wait_until(lambda: queue_depth(t) == 0)
    finally:
        await consumer.stop()
    assert await processed_count() == 1
    assert dead_letters(t) == []


async def test_handler_that_keeps_failing_ends_in_the_dead_letter_queue(
    db_url, rabbitmq_url, broker, caplog
):
    t, publisher = broker
    handler = Recorder(failures=100)
    envelope = send_dm()
    consumer = await run_consumer(rabbitmq_url, handler, max_redeliveries=3)
    try:
        publisher.publish(envelope)
        await wait_until(lambda: queue_depth(t, topology.DEAD_LETTER_QUEUE) == 1)
    finally:
        await consumer.stop()
    assert handler.calls == [str(envelope.event_id)] * 4
    assert dead_letters(t) == [envelope.to_bytes()]
    assert await processed_count() == 0
    assert "failed on delivery 4; dead-lettered" in caplog.text
    assert "handler failed on purpose" in caplog.text

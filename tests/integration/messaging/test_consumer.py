"""The bot's consumer on the real broker: once per event, outages waited out, poison set aside."""

import json
import uuid

import pika
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from game_scheduler.database import get_db_session
from game_scheduler.messaging import retries, topology
from game_scheduler.messaging.consumer import EventConsumer, concurrency_problem
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.handling import TransientError
from game_scheduler.messaging.retries import RetryPolicy
from game_scheduler.messaging.sync_publisher import SyncPublisher
from game_scheduler.models import ProcessedEvent
from tests.support import services
from tests.support.amqp import close_connections, tap
from tests.support.events import send_dm
from tests.support.waiting import wait_until

# Tiny delays so retries take milliseconds; the ladder's last step is the cap.
FAST = RetryPolicy(delays=(0.01, 0.02, 0.05), max_failures=5)


class Recorder:
    """A send_dm handler failing the first ``failures`` calls per event (or for ``only``)."""

    def __init__(self, failures: int = 0, error: Exception | None = None, only=None) -> None:
        self.failures = failures
        self.error = error or RuntimeError("handler failed on purpose")
        self.only = only
        self.calls: list[str] = []
        self.succeeded: list[str] = []

    async def __call__(self, envelope) -> None:
        event_id = str(envelope.event_id)
        self.calls.append(event_id)
        if self.only in (None, event_id) and self.calls.count(event_id) <= self.failures:
            raise self.error
        self.succeeded.append(event_id)


@pytest.fixture
async def broker(rabbitmq_url):
    """A tap (for the dead-letter queue and raw publishes) and a publisher, queues emptied."""
    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t:
        t.channel.queue_purge(topology.BOT_QUEUE)
        t.channel.queue_purge(topology.DEAD_LETTER_QUEUE)
        yield t, publisher
    publisher.close()


async def run_consumer(rabbitmq_url, handler, policy=FAST, **options):
    consumer = EventConsumer(
        {EventType.SEND_DM: handler}, url=rabbitmq_url, policy=policy, **options
    )
    await consumer.start()
    return consumer


def dead_letters(t):
    return t.drain(topology.DEAD_LETTER_QUEUE)


def queue_depth(t, name=topology.BOT_QUEUE):
    declared = t.channel.queue_declare(name, passive=True)
    return declared.method.message_count


def all_settled(t, policy=FAST):
    """Nothing waiting in the bot's queue nor in any retry queue."""
    names = [topology.BOT_QUEUE, *(topology.retry_queue(d) for d in policy.delays)]
    return all(queue_depth(t, name) == 0 for name in names)


async def processed_count() -> int:
    async with get_db_session() as session:
        completed = select(func.count()).where(ProcessedEvent.completed_at.is_not(None))
        return (await session.execute(completed)).scalar_one()


async def test_redelivered_event_is_handled_once(db_url, rabbitmq_url, broker, caplog):
    caplog.set_level("INFO", "game_scheduler.messaging.handling")
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
        # The duplicate is dropped at once, or after waiting out the first delivery's claim.
        await wait_until(
            lambda: (
                "already handled; skipped" in caplog.text or "handled here before" in caplog.text
            )
        )
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
    found = dead_letters(t)
    assert sorted(m.body for m in found) == sorted(poison)
    for message in found:
        assert message.routing_key == "notification.send_dm"
        assert message.properties.headers[retries.ERROR_HEADER].startswith("malformed message")


async def test_passing_failure_is_retried_and_handled_once(db_url, rabbitmq_url, broker):
    t, publisher = broker
    handler = Recorder(failures=2)
    envelope = send_dm()
    consumer = await run_consumer(rabbitmq_url, handler)
    try:
        publisher.publish(envelope)
        await wait_until(lambda: len(handler.calls) == 3)
        await wait_until(lambda: all_settled(t))
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
    policy = RetryPolicy(delays=FAST.delays, max_failures=3)
    consumer = await run_consumer(rabbitmq_url, handler, policy)
    try:
        publisher.publish(envelope)
        await wait_until(lambda: queue_depth(t, topology.DEAD_LETTER_QUEUE) == 1)
    finally:
        await consumer.stop()
    assert handler.calls == [str(envelope.event_id)] * 4
    [dead] = dead_letters(t)
    assert dead.body == envelope.to_bytes()
    assert dead.routing_key == "notification.send_dm"
    reason = dead.properties.headers[retries.ERROR_HEADER]
    assert reason == "handler failed 4 times: RuntimeError: handler failed on purpose"
    assert await processed_count() == 0
    assert "failed 4 times; dead-lettered" in caplog.text


@pytest.mark.parametrize(
    "error",
    [
        TransientError("Discord answered 503"),
        OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused")),
        ConnectionResetError("reset by peer"),
    ],
    ids=["transient", "database", "network"],
)
async def test_a_long_outage_is_waited_out_and_never_dead_lettered(
    db_url, rabbitmq_url, broker, error
):
    t, publisher = broker
    handler = Recorder(failures=50, error=error)
    envelope = send_dm()
    consumer = await run_consumer(rabbitmq_url, handler)
    try:
        publisher.publish(envelope)
        await wait_until(lambda: len(handler.calls) == 51, within=60)
        await wait_until(lambda: all_settled(t))
    finally:
        await consumer.stop()
    assert handler.calls == [str(envelope.event_id)] * 51
    assert await processed_count() == 1
    assert dead_letters(t) == []


async def test_only_deterministic_failures_count_toward_the_bound(db_url, rabbitmq_url, broker):
    t, publisher = broker
    envelope = send_dm()
    outcomes = [TransientError("down")] * 10 + [RuntimeError("bug")] * 2 + [None]

    async def handler(_envelope) -> None:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    policy = RetryPolicy(delays=FAST.delays, max_failures=2)
    consumer = await run_consumer(rabbitmq_url, handler, policy)
    try:
        publisher.publish(envelope)
        await wait_until(lambda: not outcomes, within=30)
        await wait_until(lambda: all_settled(t))
    finally:
        await consumer.stop()
    assert await processed_count() == 1
    assert dead_letters(t) == []


async def test_other_events_flow_while_one_waits_out_an_outage(db_url, rabbitmq_url, broker):
    t, publisher = broker
    stuck, others = send_dm(0), [send_dm(n) for n in range(1, 21)]
    handler = Recorder(failures=10**6, error=TransientError("down"), only=str(stuck.event_id))
    # One delivery at a time: if a failing event held its slot, nothing else would move.
    consumer = await run_consumer(rabbitmq_url, handler, prefetch=1)
    try:
        publisher.publish(stuck)
        await wait_until(lambda: str(stuck.event_id) in handler.calls)
        publisher.publish_many(others)
        await wait_until(lambda: all(str(e.event_id) in handler.calls for e in others))
        assert str(stuck.event_id) not in handler.succeeded  # the others did not wait for it
        await wait_until(lambda: handler.calls.count(str(stuck.event_id)) > 1)  # retried
        handler.failures = 0
        await wait_until(lambda: str(stuck.event_id) in handler.succeeded)
        await wait_until(lambda: all_settled(t))
    finally:
        await consumer.stop()
    assert await processed_count() == 21
    assert dead_letters(t) == []


def test_concurrency_must_stay_below_the_pool():
    assert concurrency_problem(8, 15) is None
    assert "below the database pool capacity" in (concurrency_problem(15, 15) or "")
    assert "at least 1" in (concurrency_problem(0, 15) or "")


@pytest.fixture
def own_vhost():
    """A vhost of this test's own: dropping its connections touches no other test's."""
    name = services.unique_name("gs_drop")
    yield services.create_vhost(name)
    services.delete_vhost(name)


@pytest.mark.slow
async def test_broker_connections_dropped_mid_flight_lose_nothing(pg_db_url, own_vhost):
    # PostgreSQL only: the RabbitMQ consumer never runs on SQLite (``up`` uses the in-process bus),
    # and on a loaded machine SQLite's one writer made this test time out, not lose anything.
    rabbitmq_url = own_vhost
    events = [send_dm(n) for n in range(30)]
    handler = Recorder(failures=3, error=TransientError("down"))
    with tap(rabbitmq_url) as t:
        t.channel.queue_purge(topology.DEAD_LETTER_QUEUE)
    publisher = SyncPublisher(rabbitmq_url)
    consumer = await run_consumer(rabbitmq_url, handler)
    try:
        publisher.publish_many(events)
        publisher.close()
        await wait_until(lambda: len(handler.calls) >= 20)
        close_connections(rabbitmq_url)  # the consumer's too: it reconnects by itself
        await wait_until(lambda: set(handler.succeeded) == {str(e.event_id) for e in events}, 90)
    finally:
        await consumer.stop()
    assert sorted(handler.succeeded) == sorted(str(e.event_id) for e in events)
    assert await processed_count() == 30
    with tap(rabbitmq_url) as t:
        assert dead_letters(t) == []

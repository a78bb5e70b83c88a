"""The in-process bus: the consumer's handlers, once per event, fed from async and sync code."""

import asyncio
import threading

import pytest
from sqlalchemy import func, select

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.messaging.bus import InProcessBus
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.handling import TransientError
from game_scheduler.messaging.outbox import commit_and_publish_sync, set_async_publisher, stage
from game_scheduler.messaging.relay import relay_outbox
from game_scheduler.messaging.sync_publisher import PublishError
from game_scheduler.models import OutboxEvent, ProcessedEvent
from tests.support.events import send_dm
from tests.support.factories import create_game, seed_channel
from tests.support.waiting import wait_until


class Recorder:
    """A handler that fails the first ``failures`` calls for each event (or for ``only``)."""

    def __init__(self, failures: int = 0, only: str | None = None) -> None:
        self.failures = failures
        self.only = only
        self.calls: list[str] = []

    async def __call__(self, envelope) -> None:
        event_id = str(envelope.event_id)
        self.calls.append(event_id)
        if self.only in (None, event_id) and self.calls.count(event_id) <= self.failures:
            raise RuntimeError("handler failed on purpose")


async def started(handler, event_type=EventType.SEND_DM, **options) -> InProcessBus:
    bus = InProcessBus({event_type: handler}, retry_delay=0, **options)
    await bus.start()
    return bus


async def processed_ids() -> set[str]:
    async with get_db_session() as session:
        return set((await session.execute(select(ProcessedEvent.event_id))).scalars())


async def test_events_reach_the_handler_once(db_url):
    handler = Recorder()
    bus = await started(handler)
    first, second = send_dm(1), send_dm(2)
    await bus.publish_many([first, second, first])
    await bus.publish(second)
    await bus.stop()
    assert handler.calls == [str(first.event_id), str(second.event_id)]
    assert await processed_ids() == {str(first.event_id), str(second.event_id)}


async def test_stop_delivers_everything_queued(db_url):
    handler = Recorder()
    bus = await started(handler)
    envelopes = [send_dm(n) for n in range(50)]
    await bus.publish_many(envelopes)
    await bus.stop()
    assert handler.calls == [str(e.event_id) for e in envelopes]
    with pytest.raises(PublishError, match="not running"):
        await bus.publish(send_dm())


async def test_failures_are_retried_a_bounded_number_of_times(db_url, caplog):
    handler = Recorder(failures=2)
    bus = await started(handler, max_attempts=3)
    passing = send_dm(1)
    await bus.publish(passing)
    await bus.stop()
    assert handler.calls == [str(passing.event_id)] * 3
    assert await processed_ids() == {str(passing.event_id)}

    hopeless, after = send_dm(2), send_dm(3)
    handler = Recorder(failures=100, only=str(hopeless.event_id))
    bus = await started(handler, max_attempts=3)
    with pytest.raises(PublishError, match="could not be handled"):
        await bus.publish_many([hopeless, after])
    await bus.stop()
    assert handler.calls.count(str(hopeless.event_id)) == 3
    assert "failed 3 times; given up" in caplog.text
    assert await processed_ids() == {str(passing.event_id), str(after.event_id)}


async def test_sync_code_in_another_thread_publishes_through_the_adapter(db_url):
    handler = Recorder()
    bus = await started(handler)
    adapter = bus.sync_adapter()
    envelope = send_dm()

    def scheduler_task() -> None:
        assert threading.current_thread() is not threading.main_thread()
        with get_sync_db_session() as session:
            stage(session, envelope)
            commit_and_publish_sync(session, adapter)

    await asyncio.to_thread(scheduler_task)
    await wait_until(lambda: handler.calls == [str(envelope.event_id)])
    await bus.stop()
    async with get_db_session() as session:
        unpublished = select(func.count()).where(OutboxEvent.published_at.is_(None))
        assert (await session.execute(unpublished)).scalar_one() == 0
    with pytest.raises(PublishError, match="not running"):
        await asyncio.to_thread(adapter.publish, send_dm())


async def test_adapter_refuses_to_block_the_bus_loop(db_url):
    bus = await started(Recorder())
    with pytest.raises(RuntimeError, match="await publish_many"):
        bus.sync_adapter().publish(send_dm())
    await bus.stop()


async def test_services_publish_into_the_bus(db_url):
    handler = Recorder()
    bus = await started(handler, EventType.GAME_CREATED)
    set_async_publisher(bus)
    try:
        await seed_channel()
        await create_game()
        await wait_until(lambda: len(handler.calls) == 1)
    finally:
        set_async_publisher(None)
        await bus.stop()


async def _unpublished() -> int:
    async with get_db_session() as session:
        query = select(func.count()).where(OutboxEvent.published_at.is_(None))
        return (await session.execute(query)).scalar_one()


async def test_an_unhandled_event_stays_in_the_outbox_until_the_relay_delivers_it(db_url):
    broken = Recorder(failures=100)
    bus = await started(broken, EventType.GAME_CREATED, max_attempts=2)
    set_async_publisher(bus)
    try:
        await seed_channel()
        await create_game()
    finally:
        set_async_publisher(None)
        await bus.stop()
    assert len(broken.calls) == 2
    assert await _unpublished() == 1

    healthy = Recorder()
    bus = await started(healthy, EventType.GAME_CREATED)

    def relay() -> int:
        with get_sync_db_session() as session:
            return relay_outbox(session, bus.sync_adapter(), min_age_seconds=0)

    assert await asyncio.to_thread(relay) == 1
    await bus.stop()
    assert len(healthy.calls) == 1
    assert await _unpublished() == 0


async def test_an_outage_does_not_use_up_the_bound(db_url):
    handler = Recorder(failures=10)
    handler_error = TransientError("database away")

    async def flaky(envelope) -> None:
        try:
            await handler(envelope)
        except RuntimeError:
            raise handler_error from None

    bus = await started(flaky, max_attempts=2)
    envelope = send_dm()
    await bus.publish(envelope)
    await bus.stop()
    assert handler.calls == [str(envelope.event_id)] * 11
    assert await processed_ids() == {str(envelope.event_id)}


async def test_an_outage_longer_than_the_budget_is_left_to_the_relay(db_url, caplog):
    async def down(_envelope) -> None:
        raise TransientError("Discord answered 503")

    bus = InProcessBus(
        {EventType.GAME_CREATED: down}, retry_delay=0.01, max_retry_delay=0.02, transient_budget=0.3
    )
    await bus.start()
    set_async_publisher(bus)
    try:
        await seed_channel()
        await create_game()
    finally:
        set_async_publisher(None)
        await bus.stop()
    assert await _unpublished() == 1
    assert "left to the outbox relay" in caplog.text

"""handle_once's lease: completed events dropped, fresh claims waited for, stale ones taken over."""

import asyncio
from datetime import timedelta

import aiormq.exceptions
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from game_scheduler.database import get_db_session
from game_scheduler.messaging import handling
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.handling import ClaimedElsewhere, TransientError, handle_once
from game_scheduler.messaging.sync_publisher import PublishError
from game_scheduler.models import ProcessedEvent, utcnow
from tests.support.events import send_dm
from tests.support.waiting import wait_until


class Recorder:
    def __init__(self, error: Exception | None = None, gate: asyncio.Event | None = None):
        self.error = error
        self.gate = gate
        self.calls = 0

    async def __call__(self, _envelope) -> None:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error


async def put_claim(event_id, *, by="someoneelse00000", age=timedelta(0), completed=False):
    now = utcnow()
    async with get_db_session() as session:
        session.add(
            ProcessedEvent(
                event_id=event_id,
                event_type="notification.send_dm",
                handled_at=now - age,
                claimed_at=now - age,
                claimed_by=by,
                completed_at=now - age if completed else None,
            )
        )
        await session.commit()


async def row(event_id):
    async with get_db_session() as session:
        return await session.scalar(
            select(ProcessedEvent).where(ProcessedEvent.event_id == event_id)
        )


async def test_a_handled_event_is_dropped(db_url):
    handler, envelope = Recorder(), send_dm()
    assert await handle_once(envelope, {EventType.SEND_DM: handler}) is True
    assert await handle_once(envelope, {EventType.SEND_DM: handler}) is False
    assert handler.calls == 1
    done = await row(str(envelope.event_id))
    assert done.completed_at is not None
    assert done.claimed_by.startswith(handling.PROCESS_TOKEN)


async def test_a_fresh_claim_elsewhere_is_waited_for_not_dropped(db_url):
    handler, envelope = Recorder(), send_dm()
    await put_claim(str(envelope.event_id), age=timedelta(seconds=30))
    with pytest.raises(ClaimedElsewhere):
        await handle_once(envelope, {EventType.SEND_DM: handler}, lease_seconds=120)
    assert handler.calls == 0
    assert (await row(str(envelope.event_id))).completed_at is None


async def test_a_claim_older_than_the_lease_is_taken_over(db_url):
    handler, envelope = Recorder(), send_dm()
    await put_claim(str(envelope.event_id), age=timedelta(minutes=3))
    assert await handle_once(envelope, {EventType.SEND_DM: handler}, lease_seconds=120)
    assert handler.calls == 1
    assert (await row(str(envelope.event_id))).completed_at is not None


async def test_this_processes_own_leftover_claim_is_taken_over_at_once(db_url):
    # A claim whose release failed in an outage: ours, and its handler no longer runs here.
    handler, envelope = Recorder(), send_dm()
    await put_claim(str(envelope.event_id), by=handling.PROCESS_TOKEN + "0" * 16)
    assert await handle_once(envelope, {EventType.SEND_DM: handler}, lease_seconds=120)
    assert handler.calls == 1


async def test_a_failing_handler_releases_its_claim(db_url):
    handler, envelope = Recorder(error=RuntimeError("boom")), send_dm()
    with pytest.raises(RuntimeError, match="boom"):
        await handle_once(envelope, {EventType.SEND_DM: handler})
    assert await row(str(envelope.event_id)) is None
    handler.error = None
    assert await handle_once(envelope, {EventType.SEND_DM: handler})
    assert handler.calls == 2


async def test_a_concurrent_duplicate_is_told_to_come_back(db_url):
    gate = asyncio.Event()
    handler, envelope = Recorder(gate=gate), send_dm()
    first = asyncio.create_task(handle_once(envelope, {EventType.SEND_DM: handler}))
    await wait_until(lambda: handler.calls == 1)
    with pytest.raises(ClaimedElsewhere):
        await handle_once(envelope, {EventType.SEND_DM: handler})
    gate.set()
    assert await first is True
    assert handler.calls == 1


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (TransientError("Discord 503"), True),
        (ClaimedElsewhere("busy"), True),
        (OperationalError("SELECT 1", {}, Exception("server closed the connection")), True),
        (InterfaceError("SELECT 1", {}, Exception("connection closed")), True),
        (PoolTimeout("QueuePool limit reached"), True),
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (PublishError("broker down"), True),
        (aiormq.exceptions.AMQPConnectionError("connection reset"), True),
        (aiormq.exceptions.ChannelInvalidStateError("channel closed"), True),
        (ExceptionGroup("both", [TimeoutError(), OSError()]), True),
        (IntegrityError("INSERT", {}, Exception("duplicate key")), False),
        (ValueError("bad payload"), False),
        (ExceptionGroup("mixed", [TimeoutError(), KeyError("x")]), False),
    ],
)
def test_outages_are_told_from_bugs(error, transient):
    assert handling.is_transient(error) is transient

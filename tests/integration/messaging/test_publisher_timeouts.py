"""A black-holed broker (accepts TCP, never answers) cannot hold a write: it gives up in seconds.

The event stays in the outbox for the relay. Bounds are generous (the timeout is 5 s, the OS's
connect timeout minutes): they tell "gave up on its own" from "waited for the OS".
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.messaging import outbox
from game_scheduler.messaging.publisher import AsyncPublisher
from game_scheduler.messaging.sync_publisher import PublishError, SyncPublisher
from game_scheduler.models import OutboxEvent
from tests.support.events import send_dm

BOUND = 15.0


@pytest.fixture
def black_hole() -> Iterator[str]:
    """An AMQP URL whose port completes the TCP handshake and then never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"amqp://guest:guest@127.0.0.1:{sock.getsockname()[1]}/"


def unpublished() -> list[str]:
    with get_sync_db_session() as session:
        return list(
            session.scalars(select(OutboxEvent.event_id).where(OutboxEvent.published_at.is_(None)))
        )


async def test_an_api_write_returns_within_seconds_and_leaves_the_event_in_the_outbox(
    db_url, black_hole
):
    publisher = AsyncPublisher(black_hole)
    outbox.set_async_publisher(publisher)
    try:
        timings = []
        events = []
        for _ in range(2):
            envelope = send_dm()
            started = time.monotonic()
            async with get_db_session() as session:
                outbox.stage(session, envelope)
                await outbox.commit_and_publish(session)
            timings.append(time.monotonic() - started)
            events.append(str(envelope.event_id))
    finally:
        outbox.set_async_publisher(None)
        await publisher.close()
    assert timings[0] < BOUND
    # Right after a failed connect the next write does not wait again.
    assert timings[1] < timings[0]
    assert sorted(unpublished()) == sorted(events)


def test_the_scheduler_publisher_gives_up_within_seconds(db_url, black_hole):
    publisher = SyncPublisher(black_hole)
    started = time.monotonic()
    with pytest.raises(PublishError, match="cannot reach RabbitMQ"):
        publisher.publish(send_dm())
    assert time.monotonic() - started < BOUND
    envelope = send_dm()
    with get_sync_db_session() as session:
        outbox.stage(session, envelope)
        outbox.commit_and_publish_sync(session, publisher)
    assert unpublished() == [str(envelope.event_id)]

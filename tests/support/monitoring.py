"""Arrange what the status command and the gauges report: dead letters, old unpublished events."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging import topology
from game_scheduler.messaging.events import EventType, GameRef, make_event
from game_scheduler.models import OutboxEvent, utcnow
from tests.support.amqp import Tap, tap


@contextmanager
def empty_dead_letters(rabbitmq_url: str) -> Iterator[Tap]:
    """A tap on the broker whose dead-letter queue is empty now and when the block ends."""
    with tap(rabbitmq_url) as t:
        t.channel.queue_purge(topology.DEAD_LETTER_QUEUE)
        yield t


def dead_letter(t: Tap, count: int = 1) -> None:
    """Put messages in the dead-letter queue, as the consumer's rejections do."""
    for n in range(count):
        t.channel.basic_publish(topology.DEAD_LETTER_EXCHANGE, "", f"poison {n}".encode())


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_unpublished(count: int, age: timedelta) -> None:
    """Outbox rows never published (the broker was cut), created ``age`` ago."""
    created = utcnow() - age
    ref = GameRef(game_id=1, guild_discord_id="1", channel_discord_id="2")
    with get_sync_db_session() as session:
        for _ in range(count):
            event = make_event(EventType.GAME_CREATED, ref)
            session.add(
                OutboxEvent(
                    event_id=str(event.event_id),
                    event_type=event.event_type.value,
                    payload=event.model_dump(mode="json"),
                    created_at=created,
                )
            )
        session.commit()

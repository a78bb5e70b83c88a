"""Write events in the caller's transaction; after commit publish them and mark them published."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from game_scheduler.messaging.events import Envelope
from game_scheduler.models import OutboxEvent, utcnow

log = logging.getLogger(__name__)

_STAGED = "outbox_staged"


class AsyncEventPublisher(Protocol):
    """Anything that can take envelopes and return once the broker has them."""

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None: ...


_async_publisher: AsyncEventPublisher | None = None


def set_async_publisher(publisher: AsyncEventPublisher | None) -> None:
    """Choose where this process publishes after commit (None: leave it to the relay)."""
    global _async_publisher
    _async_publisher = publisher


def stage(session: Session | AsyncSession, envelope: Envelope) -> None:
    """Add the event to the outbox in the session's current transaction."""
    session.add(
        OutboxEvent(
            event_id=str(envelope.event_id),
            event_type=envelope.event_type.value,
            payload=envelope.model_dump(mode="json"),
        )
    )
    session.info.setdefault(_STAGED, []).append(envelope)


def take_staged(session: Session | AsyncSession) -> list[Envelope]:
    """The events staged since the last call, in order; the session forgets them."""
    staged: list[Envelope] = session.info.pop(_STAGED, [])
    return staged


async def commit_and_publish(session: AsyncSession) -> list[Envelope]:
    """Commit, then publish what the transaction staged (fast path; the relay is the guarantee)."""
    await session.commit()
    envelopes = take_staged(session)
    if envelopes and _async_publisher is not None:
        try:
            await _async_publisher.publish_many(envelopes)
        except Exception:
            log.warning(
                "publishing %d events failed; the outbox relay will retry",
                len(envelopes),
                exc_info=True,
            )
            return envelopes
        await mark_published(session, envelopes)
    return envelopes


async def mark_published(session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
    """Record that the broker has these events."""
    await session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.event_id.in_([str(e.event_id) for e in envelopes]))
        .values(published_at=utcnow())
    )
    await session.commit()

"""Write events in the caller's transaction; after commit publish them and mark them published.

What the writers miss, the relay (``messaging.relay``) publishes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from sqlalchemy import ARRAY, String, Table, Update, any_, bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.sync_publisher import PublishError, get_sync_publisher
from game_scheduler.models import OutboxEvent, utcnow

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

_STAGED = "outbox_staged"
# Mark events published: ``= ANY(:ids)`` on PostgreSQL (one array parameter), an ``IN`` list
# on SQLite. Both built once, the ids and the time passed at execution, on the table: an ORM
# entity's UPDATE is copied with annotations at each execution, and its cache key made again.
_OUTBOX = cast(Table, OutboxEvent.__table__)
_MARK_ANY = (
    update(_OUTBOX)
    .where(_OUTBOX.c.event_id == any_(bindparam("ids", type_=ARRAY(String))))
    .values(published_at=bindparam("now"))
)
_MARK_IN = (
    update(_OUTBOX)
    .where(_OUTBOX.c.event_id.in_(bindparam("ids", expanding=True)))
    .values(published_at=bindparam("now"))
)


class AsyncEventPublisher(Protocol):
    """Anything that can take envelopes and return once the broker has them."""

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None: ...


class SyncEventPublisher(Protocol):
    """Anything that can take envelopes without an event loop: SyncPublisher, the bus adapter."""

    def publish_many(self, envelopes: Sequence[Envelope]) -> None: ...


@runtime_checkable
class Handoff(Protocol):
    """Takes committed events and publishes and marks them itself (``PublishQueue``)."""

    def hand_over(self, envelopes: Sequence[Envelope]) -> None: ...


_async_publisher: AsyncEventPublisher | Handoff | None = None


def set_async_publisher(publisher: AsyncEventPublisher | Handoff | None) -> None:
    """Choose where this process publishes after commit (None: leave it to the relay).

    A publisher is waited for before the write returns; a handoff takes the events and the
    write returns at once.
    """
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


def stage_many(session: Session, envelopes: Sequence[Envelope]) -> None:
    """Add many events at once: COPY on PostgreSQL, one executemany elsewhere.

    Per row, ORM objects cost several times an executemany, which costs several times COPY;
    the scheduler stages about a thousand reminder DMs per transaction.
    """
    if not envelopes:
        return
    connection = session.connection()
    created = utcnow()
    if connection.dialect.name == "postgresql":
        raw = cast("psycopg.Connection[Any]", connection.connection.dbapi_connection)
        with (
            raw.cursor() as cursor,
            cursor.copy(
                "COPY outbox (event_id, event_type, payload, created_at, attempts) FROM STDIN"
            ) as copy,
        ):
            for e in envelopes:
                copy.write_row(
                    (str(e.event_id), e.event_type.value, e.to_bytes().decode(), created, 0)
                )
    else:
        session.execute(
            insert(OutboxEvent),
            [
                {
                    "event_id": str(e.event_id),
                    "event_type": e.event_type.value,
                    "payload": e.model_dump(mode="json"),
                    "created_at": created,
                }
                for e in envelopes
            ],
        )
    session.info.setdefault(_STAGED, []).extend(envelopes)


def take_staged(session: Session | AsyncSession) -> list[Envelope]:
    """The events staged since the last call, in order; the session forgets them."""
    staged: list[Envelope] = session.info.pop(_STAGED, [])
    return staged


async def commit_and_publish(session: AsyncSession) -> list[Envelope]:
    """Commit, then publish what the transaction staged (fast path; the relay is the guarantee)."""
    await session.commit()
    envelopes = take_staged(session)
    if not envelopes or _async_publisher is None:
        return envelopes
    if isinstance(_async_publisher, Handoff):
        _async_publisher.hand_over(envelopes)
        return envelopes
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
    await session.execute(*_mark_statement(session, envelopes))
    await session.commit()


def commit_and_publish_sync(
    session: Session, publisher: SyncEventPublisher | None = None
) -> list[Envelope]:
    """Commit, then publish what the transaction staged: the scheduler's fast path."""
    session.commit()
    envelopes = take_staged(session)
    if not envelopes:
        return envelopes
    try:
        (publisher or get_sync_publisher()).publish_many(envelopes)
    except PublishError as error:
        log.warning(
            "publishing %d events failed (%s); the outbox relay will retry", len(envelopes), error
        )
        return envelopes
    session.execute(*_mark_statement(session, envelopes))
    session.commit()
    return envelopes


def _mark_statement(
    session: Session | AsyncSession, envelopes: Sequence[Envelope]
) -> tuple[Update, dict[str, Any]]:
    """Mark these events published: the statement and its parameters.

    A thousand-value ``IN`` list costs a thousand bind parameters to render, send and plan
    (13 % of a large send tick in the profile of issue 18), so PostgreSQL gets one array; SQLite
    keeps the ``IN`` list. Both are built once: building one (the array bind's type coercion)
    cost about 1 ms of CPU per call under cProfile.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    ids = [str(e.event_id) for e in envelopes]
    return (_MARK_ANY if postgres else _MARK_IN), {"ids": ids, "now": utcnow()}

"""Run a handler at most once per event id, with no transaction open while it talks to Discord.

The event id is claimed in a committed ``processed_event`` row before the handler runs: a lease.
A completed row means the event was handled (the delivery is dropped); a fresh claim in progress
means another delivery is working on it (this one is retried later, never dropped); a claim older
than the lease was left by a consumer that died and is taken over. Completion is recorded in a
second short transaction, or by the handler in its own last one (it then returns True), so an
event whose outcome is recorded costs no extra commit.
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.models import ProcessedEvent, utcnow

log = logging.getLogger(__name__)

# A handler opens its own short transactions (read, then record its outcome) and never holds a
# session or connection while it waits on the network: the caller passes none. It returns True
# when its last transaction also recorded the event as handled (:func:`record_completion`).
Handler = Callable[[Envelope], Awaitable[bool | None]]
Handlers = Mapping[EventType, Handler]

# Claims made by this process start with this; a claim of ours whose handler no longer runs here
# (its release failed in an outage) is stale at once, without waiting for the lease.
PROCESS_TOKEN = uuid.uuid4().hex[:16]

# Event ids whose handler runs in this process now, and ids handled here whose completion could
# not be recorded (the database went away after the effect): both known without the database.
_running: set[str] = set()
_unrecorded: set[str] = set()


class TransientError(Exception):
    """Retry later: an outage (database, broker, Discord 5xx/429/timeout), not a bad message."""


class ClaimedElsewhere(TransientError):
    """Another delivery holds a fresh claim on the event: try again once it finished or died."""


_TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    TransientError,
    OSError,
    TimeoutError,
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeout,
)

# Broker clients' errors, checked only if the client is loaded (the scheduler never loads aiormq).
_BROKER_ERRORS = (
    ("aiormq.exceptions", "AMQPError"),
    ("aiormq.exceptions", "ChannelInvalidStateError"),  # a RuntimeError: a channel closed under us
    ("pika.exceptions", "AMQPError"),
    ("game_scheduler.messaging.sync_publisher", "PublishError"),
)


def is_transient(error: BaseException) -> bool:
    """Whether the failure is an outage to wait out rather than a reason to give up."""
    if isinstance(error, BaseExceptionGroup):
        return all(is_transient(inner) for inner in error.exceptions)
    if isinstance(error, _TRANSIENT_TYPES):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    for module_name, class_name in _BROKER_ERRORS:
        module = sys.modules.get(module_name)
        broker_error = getattr(module, class_name, None) if module is not None else None
        if isinstance(broker_error, type) and isinstance(error, broker_error):
            return True
    return False


async def handle_once(
    envelope: Envelope, handlers: Handlers, *, lease_seconds: float | None = None
) -> bool:
    """Handle the event unless it was handled before; True when the handler ran to completion.

    Raises :class:`ClaimedElsewhere` while another delivery holds a fresh claim. A handler error
    releases the claim (so a retry runs the handler again) and propagates.
    """
    event_id = str(envelope.event_id)
    if event_id in _running:
        raise ClaimedElsewhere(f"event {event_id} is being handled in this process")
    if event_id in _unrecorded:
        log.info("event %s (%s) handled here before; recording it", event_id, envelope.event_type)
        await _complete(event_id, envelope.event_type)
        return False
    lease = get_settings().claim_lease_seconds if lease_seconds is None else lease_seconds
    _running.add(event_id)
    try:
        token = await _claim(event_id, envelope.event_type, lease)
        if token is None:
            log.info("event %s (%s) already handled; skipped", event_id, envelope.event_type)
            return False
        handler = handlers.get(envelope.event_type)
        recorded = False
        try:
            if handler is not None:
                recorded = await handler(envelope) is True
        except BaseException:
            await _release(event_id, token)
            raise
        if not recorded:
            await _complete(event_id, envelope.event_type)
    finally:
        _running.discard(event_id)
    return True


async def _claim(event_id: str, event_type: EventType, lease: float) -> str | None:
    """Claim the event (its claim token), or None when it was handled already."""
    token = PROCESS_TOKEN + uuid.uuid4().hex[:16]
    async with get_db_session() as session:
        # The common case, a first delivery, in one statement: insert unless the id is there.
        now = utcnow()
        insert_new = _claim_statement(session.get_bind().dialect.name)
        if insert_new is not None:
            inserted = await session.execute(
                insert_new,
                {
                    "p_event_id": event_id,
                    "p_event_type": event_type.value,
                    "p_now": now,
                    "p_claimed_by": token,
                },
            )
            if inserted.first() is not None:
                await session.commit()
                return token
            await session.rollback()
        for _ in range(2):  # a concurrent first claim makes the insert fail once; read it then
            now = utcnow()
            row = (
                await session.execute(
                    select(
                        ProcessedEvent.completed_at,
                        ProcessedEvent.claimed_at,
                        ProcessedEvent.claimed_by,
                    ).where(ProcessedEvent.event_id == event_id)
                )
            ).first()
            if row is None:
                session.add(_claim_row(event_id, event_type, token, now, completed=False))
                try:
                    await session.commit()
                except IntegrityError:
                    await session.rollback()
                    continue
                return token
            completed_at, claimed_at, claimed_by = row
            if completed_at is not None:
                return None
            ours = claimed_by.startswith(PROCESS_TOKEN)  # and not running here: checked before
            if not ours and claimed_at > now - timedelta(seconds=lease):
                raise ClaimedElsewhere(f"event {event_id} was claimed at {claimed_at:%H:%M:%S}")
            taken = await session.execute(
                update(ProcessedEvent)
                .where(
                    ProcessedEvent.event_id == event_id,
                    ProcessedEvent.completed_at.is_(None),
                    ProcessedEvent.claimed_by == claimed_by,
                )
                .values(claimed_at=now, claimed_by=token)
            )
            await session.commit()
            if getattr(taken, "rowcount", 0) != 1:
                raise ClaimedElsewhere(f"event {event_id} was taken over concurrently")
            log.warning("event %s: took over a claim left at %s", event_id, claimed_at)
            return token
    raise ClaimedElsewhere(f"event {event_id}: claim contended")


_CLAIM_STATEMENTS: dict[str, Any] = {}


def _claim_statement(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the dialect (PostgreSQL and SQLite), else None.

    Built once per dialect: a statement's cache key is then computed once, not on every event.
    """
    if dialect not in _CLAIM_STATEMENTS:
        insert_for: Any = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
        if insert_for is None:
            return None
        _CLAIM_STATEMENTS[dialect] = (
            insert_for(ProcessedEvent)
            .values(
                event_id=bindparam("p_event_id"),
                event_type=bindparam("p_event_type"),
                handled_at=bindparam("p_now"),
                claimed_at=bindparam("p_now"),
                claimed_by=bindparam("p_claimed_by"),
            )
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(ProcessedEvent.event_id)
        )
    return _CLAIM_STATEMENTS[dialect]


async def _release(event_id: str, token: str) -> None:
    """Give the claim back so a retry runs the handler; a failure leaves it to the lease."""
    try:
        async with get_db_session() as session:
            await session.execute(
                delete(ProcessedEvent).where(
                    ProcessedEvent.event_id == event_id,
                    ProcessedEvent.claimed_by == token,
                    ProcessedEvent.completed_at.is_(None),
                )
            )
            await session.commit()
    except Exception:
        log.warning("event %s: claim not released (%s)", event_id, "database error", exc_info=True)


async def _complete(event_id: str, event_type: EventType) -> None:
    """Record the event as handled; remembered in memory until the database takes it."""
    _unrecorded.add(event_id)
    async with get_db_session() as session:
        await _mark_completed(session, event_id, event_type)
        await session.commit()
    _unrecorded.discard(event_id)


async def record_completion(session: AsyncSession, envelope: Envelope) -> None:
    """Mark the event handled in the handler's own last transaction (the caller commits)."""
    await _mark_completed(session, str(envelope.event_id), envelope.event_type)


async def _mark_completed(session: AsyncSession, event_id: str, event_type: EventType) -> None:
    done = await session.execute(_COMPLETE, {"p_event_id": event_id, "p_completed_at": utcnow()})
    if getattr(done, "rowcount", 0) == 0:
        exists = await session.scalar(
            select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == event_id)
        )
        if exists is None:  # released or purged meanwhile: record it afresh
            session.add(_claim_row(event_id, event_type, PROCESS_TOKEN, utcnow(), completed=True))


def _claim_row(
    event_id: str, event_type: EventType, token: str, now: datetime, *, completed: bool
) -> ProcessedEvent:
    """A fresh ledger row claimed by ``token`` at ``now`` (and completed then, if ``completed``)."""
    return ProcessedEvent(
        event_id=event_id,
        event_type=event_type.value,
        handled_at=now,
        claimed_at=now,
        claimed_by=token,
        completed_at=now if completed else None,
    )


# Built once: a statement's cache key is then computed once, not on every event.
_COMPLETE = (
    update(ProcessedEvent)
    .where(
        ProcessedEvent.event_id == bindparam("p_event_id"), ProcessedEvent.completed_at.is_(None)
    )
    .values(completed_at=bindparam("p_completed_at"))
    .execution_options(synchronize_session=False)
)

"""The outbox relay: publish, oldest first, every event a writer committed but did not publish."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from operator import itemgetter

from pydantic import ValidationError
from sqlalchemy import ColumnElement, Text, func, select, update
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session

from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.outbox import SyncEventPublisher
from game_scheduler.messaging.sync_publisher import PublishError
from game_scheduler.models import OutboxEvent, utcnow

log = logging.getLogger(__name__)

# The payload as stored (JSON text, kept verbatim by PostgreSQL's json and SQLite): parsed and
# validated in one step, and published as it is when stored in the canonical encoding.
_STORED_TEXT = cast_(OutboxEvent.payload, Text)


def relay_outbox(
    session: Session,
    publisher: SyncEventPublisher,
    *,
    batch_size: int = 500,
    min_age_seconds: float = 2.0,
    max_batches: int | None = None,
) -> int:
    """Publish every row the fast path missed, oldest first; how many were published.

    Rows younger than ``min_age_seconds`` are left to the writer's fast path.
    """
    session.commit()
    published = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        taken, done, set_aside = _relay_batch(session, publisher, batch_size, min_age_seconds)
        published += done
        # A batch that made no progress (broker down) ends the run; one of poison rows does not.
        if taken < batch_size or done + set_aside == 0:
            break
    return published


def _relay_batch(
    session: Session, publisher: SyncEventPublisher, batch_size: int, min_age_seconds: float
) -> tuple[int, int, int]:
    """Take, publish and mark one batch; how many rows it took, published and set aside."""
    cutoff = utcnow() - timedelta(seconds=min_age_seconds)
    if session.get_bind().dialect.name != "postgresql":
        return _relay_batch_single_writer(session, publisher, batch_size, cutoff)
    rows = _lock_and_mark_batch(session, batch_size, cutoff)
    envelopes, poison = _parse(rows)
    try:
        poison |= _publish_setting_aside_refused(publisher, envelopes)
    except PublishError as error:
        session.rollback()
        log.warning("outbox relay: publishing %d events failed: %s", len(envelopes), error)
        # Unlocked since the rollback: a row another relay published meanwhile stays published.
        _record_failure(
            session, [row[0] for row in rows], str(error), OutboxEvent.published_at.is_(None)
        )
        session.commit()
        return len(rows), 0, 0
    _set_aside(session, poison)
    session.commit()
    return len(rows), len(rows) - len(poison), len(poison)


def _lock_and_mark_batch(
    session: Session, batch_size: int, cutoff: datetime
) -> list[tuple[int, str]]:
    """Lock and mark the oldest unpublished rows in one statement; their ids and payloads.

    ``FOR UPDATE SKIP LOCKED``: a concurrent relay takes the next rows. The mark commits only
    once the broker has every message; a failed publish rolls it back.
    """
    oldest = (
        select(OutboxEvent.id)
        .where(*_waiting(cutoff))
        .order_by(OutboxEvent.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    # Materialized, the locking LIMIT runs once; inlined, the planner may rerun it.
    batch = oldest.cte("batch").prefix_with("MATERIALIZED")
    marked = session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id == batch.c.id)
        .values(published_at=utcnow())
        .returning(OutboxEvent.id, _STORED_TEXT)
    )
    return sorted(((row_id, payload) for row_id, payload in marked), key=itemgetter(0))


def _waiting(cutoff: datetime) -> tuple[ColumnElement[bool], ...]:
    """Rows the relay still has to publish: not published, not set aside, older than cutoff."""
    return (
        OutboxEvent.published_at.is_(None),
        OutboxEvent.failed_at.is_(None),
        OutboxEvent.created_at <= cutoff,
    )


def _relay_batch_single_writer(
    session: Session, publisher: SyncEventPublisher, batch_size: int, cutoff: datetime
) -> tuple[int, int, int]:
    """SQLite: read, publish with no transaction open, then mark.

    SQLite has one writer, and the in-process bus returns only once handlers (which write)
    are done, so publishing must not hold the write lock. There is no row locking to lose:
    the embedded process runs one relay.
    """
    rows = [
        (row_id, payload)
        for row_id, payload in session.execute(
            select(OutboxEvent.id, _STORED_TEXT)
            .where(*_waiting(cutoff))
            .order_by(OutboxEvent.id)
            .limit(batch_size)
        )
    ]
    session.commit()
    envelopes, poison = _parse(rows)
    try:
        poison |= _publish_setting_aside_refused(publisher, envelopes)
    except PublishError as error:
        log.warning("outbox relay: publishing %d events failed: %s", len(envelopes), error)
        _record_failure(session, [row[0] for row in rows], str(error))
        session.commit()
        return len(rows), 0, 0
    published = [row_id for row_id, _ in rows if row_id not in poison]
    if published:
        session.execute(
            update(OutboxEvent).where(OutboxEvent.id.in_(published)).values(published_at=utcnow())
        )
    _set_aside(session, poison)
    session.commit()
    return len(rows), len(published), len(poison)


def _parse(
    rows: Sequence[tuple[int, str]],
) -> tuple[list[tuple[int, Envelope]], dict[int, str]]:
    """The rows' envelopes in order, and why any row holds none."""
    envelopes: list[tuple[int, Envelope]] = []
    poison: dict[int, str] = {}
    for row_id, payload in rows:
        try:
            envelopes.append((row_id, Envelope.from_stored(payload)))
        except ValidationError as error:
            poison[row_id] = f"invalid envelope: {error}"
    return envelopes, poison


def _publish_setting_aside_refused(
    publisher: SyncEventPublisher, envelopes: Sequence[tuple[int, Envelope]]
) -> dict[int, str]:
    """Publish all; if the broker refuses the batch for good, one by one; the refused rows.

    Raises PublishError for a transient failure (broker down): the whole batch is retried.
    """
    try:
        publisher.publish_many([e for _, e in envelopes])
        return {}
    except PublishError as error:
        if not error.permanent:
            raise
        if len(envelopes) == 1:
            return {envelopes[0][0]: f"refused by the broker: {error}"}
    refused: dict[int, str] = {}
    for row_id, envelope in envelopes:
        try:
            publisher.publish_many([envelope])
        except PublishError as error:
            if not error.permanent:
                raise
            refused[row_id] = f"refused by the broker: {error}"
    return refused


def _set_aside(session: Session, poison: dict[int, str]) -> None:
    """Mark rows that can never be published as failed, so they no longer block the relay.

    Logged once here, at ERROR: the relay never selects them again. Retention keeps them.
    """
    for row_id, error_text in poison.items():
        log.error("outbox row %d set aside, it can never be published: %s", row_id, error_text)
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == row_id)
            .values(
                published_at=None,
                failed_at=utcnow(),
                attempts=OutboxEvent.attempts + 1,
                last_error=error_text[:2000],
            )
        )


def count_set_aside(session: Session) -> int:
    """How many outbox rows the relay has set aside as unpublishable (for operators, health)."""
    return (
        session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.failed_at.is_not(None))
        )
        or 0
    )


def _record_failure(
    session: Session, ids: Sequence[int], error: str, *conditions: ColumnElement[bool]
) -> None:
    """Leave the rows unpublished, counting the attempt and keeping the reason for operators."""
    if ids:
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(ids), *conditions)
            .values(published_at=None, attempts=OutboxEvent.attempts + 1, last_error=error[:2000])
        )

"""Retention: forget delivered events and handled ids once nobody can need them again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from game_scheduler.models import DmDelivery, OutboxEvent, ProcessedEvent

log = logging.getLogger(__name__)

# Rows per DELETE: each batch is its own short transaction, so no lock is held for long.
PURGE_BATCH = 1000


@dataclass(frozen=True)
class Purged:
    """How many rows of each table one run deleted."""

    outbox: int
    processed_event: int
    dm_delivery: int


def purge_old_rows(
    session: Session, now: datetime, days: float, batch: int = PURGE_BATCH
) -> Purged:
    """Delete published outbox rows, handled ids and DM records older than ``days``.

    Unpublished outbox rows and rows the relay set aside (``failed_at``, waiting for an
    operator) are never deleted: they have no ``published_at``.
    """
    cutoff = now - timedelta(days=days)
    purged = Purged(
        outbox=_delete_in_batches(
            session,
            OutboxEvent.id,
            (OutboxEvent.published_at.is_not(None), OutboxEvent.published_at < cutoff),
            batch,
        ),
        processed_event=_delete_in_batches(
            session, ProcessedEvent.event_id, (ProcessedEvent.handled_at < cutoff,), batch
        ),
        dm_delivery=_delete_in_batches(
            session, DmDelivery.id, (DmDelivery.created_at < cutoff,), batch
        ),
    )
    if purged.outbox or purged.processed_event or purged.dm_delivery:
        log.info("retention: deleted rows older than %s: %s", cutoff.isoformat(), purged)
    return purged


def _delete_in_batches(
    session: Session,
    key: InstrumentedAttribute[int] | InstrumentedAttribute[str],
    conditions: tuple[ColumnElement[bool], ...],
    batch: int,
) -> int:
    """Delete matching rows ``batch`` at a time, committing each batch; how many went."""
    table = key.class_.__table__
    total = 0
    while True:
        chosen = select(key).where(*conditions).order_by(key).limit(batch).scalar_subquery()
        result = session.execute(delete(table).where(table.c[key.key].in_(chosen)))
        deleted = int(cast("CursorResult[Any]", result).rowcount)
        session.commit()
        total += deleted
        if deleted < batch:
            return total

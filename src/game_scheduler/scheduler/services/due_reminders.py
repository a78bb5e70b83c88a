"""Which reminders the check has to hand to the send task."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.models import Reminder


def find_due_reminders(
    session: Session, now: datetime, lookahead: timedelta
) -> list[tuple[int, datetime]]:
    """Pending reminders due before ``now + lookahead`` (overdue ones too), soonest first."""
    rows = session.execute(
        select(Reminder.id, Reminder.due_at)
        .where(Reminder.status == ReminderStatus.PENDING, Reminder.due_at <= now + lookahead)
        .order_by(Reminder.due_at, Reminder.id)
    ).all()
    return [(row.id, row.due_at) for row in rows]


# Reminders per send task: about 1,000 events for games of ten, in one broker transaction.
SEND_BATCH = 100


def group_by_due_time(
    due: Sequence[tuple[int, datetime]], now: datetime, size: int = SEND_BATCH
) -> Iterator[tuple[datetime | None, list[int]]]:
    """(ETA, reminder ids): reminders due at the same moment together; overdue ones at once."""
    groups: dict[datetime | None, list[int]] = {}
    for reminder_id, due_at in due:
        groups.setdefault(due_at if due_at > now else None, []).append(reminder_id)
    for eta, ids in groups.items():
        for start in range(0, len(ids), size):
            yield eta, ids[start : start + size]

"""Which reminders the check has to hand to the send task."""

from __future__ import annotations

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

"""Which reminders the scheduler has to hand to the send task, and when.

A reminder is handed over once per due time: ``enqueued_for`` records the ``due_at`` its send
task was enqueued for. A write that moves ``due_at`` (reschedule, new offsets) makes the row
differ from its mark, so the next dispatch enqueues it again for the new time, with no message
from the API or the bot.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
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


def claim_reminders_to_enqueue(
    session: Session,
    now: datetime,
    lookahead: timedelta,
    among: Sequence[int] | None = None,
) -> list[tuple[int, datetime]]:
    """Mark, and return, pending reminders due soon that have no send task for their due time.

    One guarded UPDATE … RETURNING, committed at once: two dispatchers (two beats, two workers,
    a send task re-arming a moved reminder) never both claim a row (PostgreSQL: SKIP LOCKED,
    then the row no longer matches; SQLite: one writer). ``among`` limits it to these ids.
    Soonest first.
    """
    conditions = [
        Reminder.status == ReminderStatus.PENDING,
        Reminder.due_at <= now + lookahead,
        or_(Reminder.enqueued_for.is_(None), Reminder.enqueued_for != Reminder.due_at),
    ]
    if among is not None:
        conditions.append(Reminder.id.in_(among))
    unclaimed = select(Reminder.id).where(*conditions).with_for_update(skip_locked=True)
    rows = session.execute(
        update(Reminder)
        .where(Reminder.id.in_(unclaimed.scalar_subquery()))
        .values(enqueued_for=Reminder.due_at)
        .returning(Reminder.id, Reminder.due_at)
    ).all()
    session.commit()
    return sorted(((row.id, row.due_at) for row in rows), key=lambda r: (r[1], r[0]))


def release_claims(session: Session, reminder_ids: Sequence[int]) -> None:
    """Forget the mark of reminders whose send task could not be enqueued: the next run will."""
    if reminder_ids:
        session.execute(
            update(Reminder)
            .where(Reminder.id.in_(reminder_ids), Reminder.enqueued_for == Reminder.due_at)
            .values(enqueued_for=None)
        )
    session.commit()


def find_lost_reminders(
    session: Session, now: datetime, grace: timedelta
) -> list[tuple[int, datetime]]:
    """Pending reminders enqueued for their due time that are still unsent ``grace`` after it.

    The safety net: their task was lost (or is still retrying); a second run is harmless.
    """
    rows = session.execute(
        select(Reminder.id, Reminder.due_at)
        .where(
            Reminder.status == ReminderStatus.PENDING,
            Reminder.due_at <= now - grace,
            Reminder.enqueued_for == Reminder.due_at,
        )
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

"""One read of the database for the status command and the scrape-time gauges."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.models import OutboxEvent, ProcessHeartbeat, Reminder

# A reminder is sent within seconds of its due time; past this it is late enough to report.
OVERDUE_AFTER = timedelta(seconds=60)
# A process that has not refreshed its heartbeat for this long is reported as not seen.
SEEN_WITHIN = timedelta(seconds=60)
UPCOMING = timedelta(hours=1)
RELAY = "relay"


@dataclass(frozen=True)
class ProcessSeen:
    """A heartbeat row, with its age at the time of the read."""

    kind: str
    host: str
    pid: int
    started_at: datetime
    last_seen: datetime
    age_seconds: float

    @property
    def alive(self) -> bool:
        """Seen within :data:`SEEN_WITHIN`."""
        return self.age_seconds <= SEEN_WITHIN.total_seconds()


@dataclass(frozen=True)
class StoreSnapshot:
    """What the database says about reminders, the outbox and the processes, at ``now``."""

    now: datetime
    reminders_next_hour: int
    reminders_overdue: int
    outbox_backlog: int
    outbox_oldest_age_seconds: float
    last_relay_run: datetime | None
    processes: list[ProcessSeen] = field(default_factory=list)


def read_store(session: Session, now: datetime) -> StoreSnapshot:
    """Count and date what matters; a handful of indexed queries, no locks taken."""
    pending = Reminder.status == ReminderStatus.PENDING
    next_hour = session.scalar(
        select(func.count())
        .select_from(Reminder)
        .where(pending, Reminder.due_at >= now, Reminder.due_at < now + UPCOMING)
    )
    overdue = session.scalar(
        select(func.count())
        .select_from(Reminder)
        .where(pending, Reminder.due_at < now - OVERDUE_AFTER)
    )
    unpublished = OutboxEvent.published_at.is_(None)
    backlog, oldest = session.execute(
        select(func.count(), func.min(OutboxEvent.created_at)).where(unpublished)
    ).one()
    rows = session.scalars(
        select(ProcessHeartbeat).order_by(ProcessHeartbeat.kind, ProcessHeartbeat.last_seen.desc())
    ).all()
    processes = [
        ProcessSeen(
            kind=row.kind,
            host=row.host,
            pid=row.pid,
            started_at=row.started_at,
            last_seen=row.last_seen,
            age_seconds=max(0.0, (now - row.last_seen).total_seconds()),
        )
        for row in rows
    ]
    relays = [p.last_seen for p in processes if p.kind == RELAY]
    oldest_at = _aware(oldest)
    return StoreSnapshot(
        now=now,
        reminders_next_hour=int(next_hour or 0),
        reminders_overdue=int(overdue or 0),
        outbox_backlog=int(backlog or 0),
        outbox_oldest_age_seconds=max(0.0, (now - oldest_at).total_seconds()) if oldest_at else 0.0,
        last_relay_run=max(relays) if relays else None,
        processes=[p for p in processes if p.kind != RELAY],
    )


def _aware(value: datetime | str | None) -> datetime | None:
    """``min()`` keeps the column type, but be safe with a driver that returns text or naive."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)

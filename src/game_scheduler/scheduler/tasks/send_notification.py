"""send_game_notification: send the DMs of reminders due at one moment, retried on outages."""

from __future__ import annotations

from datetime import datetime, timedelta

from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import OperationalError as DatabaseError

from game_scheduler.config import get_settings
from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.sync_publisher import get_sync_publisher
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import SEND_NOTIFICATION, app
from game_scheduler.scheduler.services.notification_service import (
    NotificationService,
    SendOutcome,
)


@app.task(
    name=SEND_NOTIFICATION,
    # A failed publish is not an error here: the events are in the outbox and the relay sends
    # them. The database, or the broker while re-enqueueing, can fail: retry with backoff.
    autoretry_for=(DatabaseError, BrokerError),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
)
def send_game_notification(reminder_ids: list[int]) -> dict[str, int]:
    """Send each reminder that is due, still pending and still matches its game.

    One task per group of reminders due at the same moment (one database commit and one broker
    transaction for the group); each reminder is still claimed under its own row lock.
    """
    now = utcnow()
    with get_sync_db_session() as session:
        results = NotificationService(get_sync_publisher()).send_reminders(
            session, reminder_ids, now
        )
    horizon = now + timedelta(seconds=get_settings().notification_lookahead)
    early: dict[datetime, list[int]] = {}
    for reminder_id, result in results.items():
        # Enqueued for an earlier time (a reschedule moved it): wait for the new one.
        if result.outcome is SendOutcome.NOT_DUE and result.due_at and result.due_at <= horizon:
            early.setdefault(result.due_at, []).append(reminder_id)
    for due_at, ids in early.items():
        send_game_notification.apply_async((ids,), eta=due_at)
    counts: dict[str, int] = {}
    for result in results.values():
        counts[result.outcome.value] = counts.get(result.outcome.value, 0) + 1
    return counts

"""send_game_notification: send one reminder's direct messages, retried on outages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import OperationalError

from game_scheduler.config import get_settings
from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.sync_publisher import PublishError, get_sync_publisher
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import SEND_NOTIFICATION, app
from game_scheduler.scheduler.services.notification_service import (
    NotificationService,
    SendOutcome,
)


@app.task(
    name=SEND_NOTIFICATION,
    autoretry_for=(OperationalError, PublishError),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
)
def send_game_notification(reminder_id: int) -> str:
    """Send the reminder if it is due, still pending and still matches its game."""
    now = utcnow()
    with get_sync_db_session() as session:
        result = NotificationService(get_sync_publisher()).send_reminder(session, reminder_id, now)
    lookahead = timedelta(seconds=get_settings().notification_lookahead)
    if result.outcome is SendOutcome.NOT_DUE and result.due_at and result.due_at <= now + lookahead:
        # Enqueued for an earlier time (a reschedule moved it): wait for the new one.
        send_game_notification.apply_async((reminder_id,), eta=result.due_at)
    return result.outcome.value

"""send_game_notification: send the DMs of reminders due at one moment, retried on outages."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError as DatabaseError

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.sync_publisher import get_sync_publisher
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import SEND_NOTIFICATION, app
from game_scheduler.scheduler.services.notification_service import NotificationService


@app.task(
    name=SEND_NOTIFICATION,
    # A failed publish is not an error here: the events are in the outbox and the relay sends
    # them. The database can fail: retry with backoff.
    autoretry_for=(DatabaseError,),
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
    # A reminder NOT_DUE was moved later since this task was enqueued: its new due time differs
    # from its enqueued_for mark, so the dispatch enqueues it again for then; nothing to do here.
    counts: dict[str, int] = {}
    for result in results.values():
        counts[result.outcome.value] = counts.get(result.outcome.value, 0) + 1
    return counts

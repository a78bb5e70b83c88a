"""check_upcoming_notifications: hand every reminder due soon to the send task, timed by ETA."""

from __future__ import annotations

from datetime import timedelta

from game_scheduler.config import get_settings
from game_scheduler.database import get_sync_db_session
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import CHECK_NOTIFICATIONS, app
from game_scheduler.scheduler.services.due_reminders import find_due_reminders, group_by_due_time
from game_scheduler.scheduler.tasks.send_notification import send_game_notification


@app.task(name=CHECK_NOTIFICATIONS)
def check_upcoming_notifications() -> int:
    """Enqueue sends for pending reminders due within the lookahead; overdue ones at once.

    A worker holds an ETA task unacked until it runs, and RabbitMQ's consumer_timeout (30 min
    by default) closes channels that hold a delivery longer: the lookahead keeps ETAs minutes
    away. Overlapping checks enqueue a reminder twice; the send task sends it once.
    """
    now = utcnow()
    lookahead = timedelta(seconds=get_settings().notification_lookahead)
    with get_sync_db_session() as session:
        due = find_due_reminders(session, now, lookahead)
    with app.producer_or_acquire() as producer:
        for eta, ids in group_by_due_time(due, now):
            if eta is None:
                send_game_notification.apply_async((ids,), producer=producer)
            else:
                send_game_notification.apply_async((ids,), eta=eta, producer=producer)
    return len(due)

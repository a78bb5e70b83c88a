"""dispatch_due_reminders and check_upcoming_notifications: hand reminders to the send task.

The dispatch runs every DISPATCH_INTERVAL (1 s): a cheap indexed UPDATE that enqueues each
reminder once per due time, timed by ETA. The check (every 60 s) runs the same dispatch and
re-enqueues reminders whose task was lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from game_scheduler.config import get_settings
from game_scheduler.database import get_sync_db_session
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import CHECK_NOTIFICATIONS, DISPATCH_REMINDERS, app
from game_scheduler.scheduler.services.due_reminders import (
    claim_reminders_to_enqueue,
    find_lost_reminders,
)
from game_scheduler.scheduler.tasks.send_notification import enqueue_sends

log = logging.getLogger(__name__)


@app.task(name=DISPATCH_REMINDERS)
def dispatch_due_reminders() -> int:
    """Enqueue a send for each reminder due within the lookahead that has none for its time.

    A worker holds an ETA task unacked until it runs, and RabbitMQ's consumer_timeout (30 min
    by default) closes channels that hold a delivery longer: the lookahead keeps ETAs minutes
    away.
    """
    return _dispatch()


def _dispatch() -> int:
    now = utcnow()
    lookahead = timedelta(seconds=get_settings().notification_lookahead)
    with get_sync_db_session() as session:
        claimed = claim_reminders_to_enqueue(session, now, lookahead)
    enqueue_sends(claimed, now, release_on_failure=True)
    return len(claimed)


@app.task(name=CHECK_NOTIFICATIONS)
def check_upcoming_notifications() -> int:
    """Dispatch (in case the frequent runs stopped), then re-enqueue reminders whose task was lost.

    A reminder is lost once it is a check interval overdue and still pending though its task
    was enqueued; if that task is only slow (retrying an outage), the second run finds it sent.
    """
    settings = get_settings()
    dispatched = _dispatch()
    now = utcnow()
    with get_sync_db_session() as session:
        lost = find_lost_reminders(
            session, now, timedelta(seconds=settings.check_notifications_interval)
        )
    if lost:
        log.warning("re-enqueueing %d overdue reminders whose send task was lost", len(lost))
    enqueue_sends(lost, now, release_on_failure=False)
    return dispatched + len(lost)

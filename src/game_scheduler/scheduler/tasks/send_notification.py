"""send_game_notification: send the DMs of reminders due at one moment, retried on outages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import OperationalError as DatabaseError

from game_scheduler.config import get_settings
from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.sync_publisher import get_sync_publisher
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import SEND_NOTIFICATION, app
from game_scheduler.scheduler.services.due_reminders import (
    claim_reminders_to_enqueue,
    group_by_due_time,
    release_claims,
)
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
    # NOT_DUE: moved later since this task was enqueued. The dispatch enqueues it for its new
    # time; should this task get there first, it claims it the same way, so only one of them does.
    moved = [i for i, r in results.items() if r.outcome is SendOutcome.NOT_DUE]
    if moved:
        lookahead = timedelta(seconds=get_settings().notification_lookahead)
        with get_sync_db_session() as session:
            claimed = claim_reminders_to_enqueue(session, now, lookahead, among=moved)
        enqueue_sends(claimed, now, release_on_failure=True)
    counts: dict[str, int] = {}
    for result in results.values():
        counts[result.outcome.value] = counts.get(result.outcome.value, 0) + 1
    return counts


def enqueue_sends(
    due: Sequence[tuple[int, datetime]], now: datetime, *, release_on_failure: bool
) -> None:
    """One send task per due moment; if the broker fails, unmark what was not enqueued."""
    if not due:
        return
    groups = list(group_by_due_time(due, now))
    sent = 0
    try:
        with app.producer_or_acquire() as producer:
            for eta, ids in groups:
                if eta is None:
                    send_game_notification.apply_async((ids,), producer=producer)
                else:
                    send_game_notification.apply_async((ids,), eta=eta, producer=producer)
                sent += 1
    except BrokerError:
        if release_on_failure:
            with get_sync_db_session() as session:
                release_claims(session, [i for _, ids in groups[sent:] for i in ids])
        raise

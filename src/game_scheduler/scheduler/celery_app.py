"""The Celery app: broker, serialisation, delivery guarantees and the beat schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_process_init

from game_scheduler import database
from game_scheduler.config import Settings, get_settings
from game_scheduler.messaging.sync_publisher import reset_sync_publisher

# Celery's own queue and exchange; the events exchange (``game_scheduler``) is another thing.
QUEUE = "scheduler"

CHECK_NOTIFICATIONS = "scheduler.check_upcoming_notifications"
DISPATCH_REMINDERS = "scheduler.dispatch_due_reminders"
SEND_NOTIFICATION = "scheduler.send_game_notification"
UPDATE_GAME_STATUSES = "scheduler.update_game_statuses"
RELAY_OUTBOX = "scheduler.relay_outbox"
PURGE_OLD_ROWS = "scheduler.purge_old_rows"
MATERIALISE_SERIES = "scheduler.materialise_series"
EXPIRE_SEAT_OFFERS = "scheduler.expire_seat_offers"
CHECK_QUORUMS = "scheduler.check_quorums"

MIN_EXPIRES_SECONDS = 10.0

TASK_MODULES = [
    "game_scheduler.scheduler.tasks.check_notifications",
    "game_scheduler.scheduler.tasks.send_notification",
    "game_scheduler.scheduler.tasks.update_game_status",
    "game_scheduler.scheduler.tasks.relay_outbox",
    "game_scheduler.scheduler.tasks.purge_old_rows",
    "game_scheduler.scheduler.tasks.materialise_series",
    "game_scheduler.scheduler.tasks.expire_offers",
    "game_scheduler.scheduler.tasks.check_quorums",
    "game_scheduler.scheduler.instrumentation",  # metrics, logs, heartbeat: Celery's signals
]


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """Each periodic task expires after its interval: a stopped worker finds one, not a pile.

    At least MIN_EXPIRES_SECONDS, though: a 1 s dispatch would otherwise be discarded on arrival
    by a worker whose clock runs a second ahead of beat's.
    """
    entries = {
        DISPATCH_REMINDERS: settings.dispatch_interval,
        CHECK_NOTIFICATIONS: settings.check_notifications_interval,
        UPDATE_GAME_STATUSES: settings.update_status_interval,
        RELAY_OUTBOX: settings.relay_outbox_interval,
        PURGE_OLD_ROWS: settings.retention_interval,
        MATERIALISE_SERIES: settings.series_interval,
        EXPIRE_SEAT_OFFERS: settings.offer_expiry_interval,
        CHECK_QUORUMS: settings.quorum_check_interval,
    }
    return {
        name: {
            "task": name,
            "schedule": timedelta(seconds=seconds),
            "options": {"expires": max(seconds, MIN_EXPIRES_SECONDS)},
        }
        for name, seconds in entries.items()
    }


def configure_app(app: Celery, settings: Settings, **overrides: Any) -> None:
    """Apply the settings (again, e.g. in tests after the environment changed)."""
    app.close()  # forget pooled connections made with the previous broker URL
    app.conf.update(
        broker_url=settings.rabbitmq_url,
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        accept_content=["json"],
        result_backend=None,
        task_ignore_result=True,
        # A task is acked when it finished, and requeued if its process died: nothing is lost,
        # and the send task's row lock makes a second run harmless.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        task_default_exchange=QUEUE,
        task_default_routing_key=QUEUE,
        enable_utc=True,
        timezone="UTC",
        beat_schedule=beat_schedule(settings),
        **overrides,
    )


app = Celery("game_scheduler", include=TASK_MODULES)
configure_app(app, get_settings())


@worker_process_init.connect
def _reset_connections_after_fork(**_: Any) -> None:
    """A pool child must open its own database and broker connections, not share the parent's."""
    database.dispose_after_fork()
    reset_sync_publisher()


@beat_init.connect
def _catch_up_at_start(**_: Any) -> None:
    """Beat runs an interval task only after one interval; a restarted beat catches up at once."""
    app.send_task(CHECK_NOTIFICATIONS, expires=get_settings().check_notifications_interval)
    app.send_task(UPDATE_GAME_STATUSES, expires=get_settings().update_status_interval)
    app.send_task(MATERIALISE_SERIES, expires=get_settings().series_interval)

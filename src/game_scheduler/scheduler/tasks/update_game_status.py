"""update_game_statuses: start and complete games as their times pass."""

from __future__ import annotations

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.sync_publisher import get_sync_publisher
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import UPDATE_GAME_STATUSES, app
from game_scheduler.scheduler.services.game_status import advance_game_statuses


@app.task(name=UPDATE_GAME_STATUSES)
def update_game_statuses() -> dict[str, int]:
    """Move every due game once, with its event; safe to run twice at the same time."""
    with get_sync_db_session() as session:
        counts = advance_game_statuses(session, utcnow(), get_sync_publisher())
    return {
        "started": counts.started,
        "completed": counts.completed,
        "reminders_skipped": counts.reminders_skipped,
    }

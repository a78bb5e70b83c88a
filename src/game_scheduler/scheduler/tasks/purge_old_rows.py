"""purge_old_rows: keep the outbox and the delivery records from growing without bound."""

from __future__ import annotations

from dataclasses import asdict

from game_scheduler.config import get_settings
from game_scheduler.database import get_sync_db_session
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import PURGE_OLD_ROWS, app
from game_scheduler.scheduler.services.retention import purge_old_rows as purge


@app.task(name=PURGE_OLD_ROWS)
def purge_old_rows() -> dict[str, int]:
    """Delete what is older than RETENTION_DAYS, in short batches; safe to run twice at once."""
    with get_sync_db_session() as session:
        return asdict(purge(session, utcnow(), get_settings().retention_days))

"""check_quorums: nudge short games once and settle each quorum deadline once."""

from __future__ import annotations

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.sync_publisher import get_sync_publisher
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import CHECK_QUORUMS, app
from game_scheduler.scheduler.services.quorum_checks import check_quorums as run_checks


@app.task(name=CHECK_QUORUMS)
def check_quorums() -> dict[str, int]:
    """Act on every game whose nudge or deadline has come; safe to run twice at the same time."""
    with get_sync_db_session() as session:
        steps = run_checks(session, utcnow(), get_sync_publisher())
    return {step.value: count for step, count in steps.items()}

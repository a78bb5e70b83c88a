"""materialise_series: create the coming occurrences of every series as real games."""

from __future__ import annotations

from game_scheduler.messaging.sync_publisher import get_sync_publisher
from game_scheduler.scheduler.celery_app import MATERIALISE_SERIES, app
from game_scheduler.scheduler.services.series import materialise_now


@app.task(name=MATERIALISE_SERIES)
def materialise_series() -> dict[str, int]:
    """Idempotent: two runs at once make each occurrence once (series lock, unique key)."""
    made = materialise_now(get_sync_publisher())
    return {"created": len(made), "carried": sum(m.carried for m in made)}

"""``game-scheduler worker`` and ``game-scheduler beat``: Celery's own commands on our app."""

from __future__ import annotations

from game_scheduler.config import get_settings
from game_scheduler.observability.multiprocess import ensure_multiprocess_dir

COMMANDS = ("worker", "beat")


def main(command: str, argv: list[str]) -> int:
    """Run ``celery worker`` or ``celery beat`` with the scheduler app; extra args pass through."""
    if command not in COMMANDS:
        raise ValueError(f"unknown scheduler command {command!r}; expected one of {COMMANDS}")
    if command == "worker" and get_settings().worker_metrics_port is not None:
        ensure_multiprocess_dir("worker")  # the prefork pool's children report through it
    from game_scheduler.scheduler.celery_app import app

    code: int | None = app.start([command, *argv])
    return int(code or 0)

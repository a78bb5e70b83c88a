"""``game-scheduler worker`` and ``game-scheduler beat``: Celery's own commands on our app."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from game_scheduler.config import get_settings
from game_scheduler.observability.multiprocess import ensure_multiprocess_dir

COMMANDS = ("worker", "beat")
SCHEDULE_OPTIONS = ("-s", "--schedule")


def main(command: str, argv: list[str]) -> int:
    """Run ``celery worker`` or ``celery beat`` with the scheduler app; extra args pass through.

    Beat keeps its state at BEAT_SCHEDULE_PATH (or ``-s``), not in the working directory, and
    stops with one line and exit code 2 if it cannot write there.
    """
    if command not in COMMANDS:
        raise ValueError(f"unknown scheduler command {command!r}; expected one of {COMMANDS}")
    if command == "worker" and get_settings().worker_metrics_port is not None:
        ensure_multiprocess_dir("worker")  # the prefork pool's children report through it
    if command == "beat":
        schedule = schedule_path(argv)
        if schedule is None:
            schedule = get_settings().beat_schedule_file()
            argv = [*argv, "--schedule", str(schedule)]
        problem = check_writable(schedule)
        if problem is not None:
            print(
                f"game-scheduler beat: cannot keep its schedule state at {schedule} ({problem}); "
                "set BEAT_SCHEDULE_PATH (or -s) to a file in a writable directory",
                file=sys.stderr,
            )
            return 2
    from game_scheduler.scheduler.celery_app import app

    code: int | None = app.start([command, *argv])
    return int(code or 0)


def schedule_path(argv: list[str]) -> Path | None:
    """The schedule file given on the command line (``-s PATH``, ``--schedule[=]PATH``), if any."""
    for index, arg in enumerate(argv):
        if arg in SCHEDULE_OPTIONS and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--schedule="):
            return Path(arg.split("=", 1)[1])
        if arg.startswith("-s") and len(arg) > 2:
            return Path(arg[2:])
    return None


def check_writable(path: Path) -> str | None:
    """Why beat could not write its state file at ``path`` (None: it can), creating its folder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The state file may get a suffix (dbm): a probe file proves the folder is writable.
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}."):
            pass
        if path.exists():
            with path.open("ab"):
                pass
    except OSError as error:
        return error.strerror or str(error)
    return None

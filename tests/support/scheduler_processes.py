"""Real ``game-scheduler worker`` / ``beat`` processes, for what a thread cannot show."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from game_scheduler.config import get_settings


def _env() -> dict[str, str]:
    settings = get_settings()
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "RABBITMQ_URL": settings.rabbitmq_url,
        "LOG_LEVEL": "INFO",
    }


def _wait_for_line(log: Path, text: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} from the process; its log:\n{log.read_text()}")
        time.sleep(0.1)


@contextmanager
def scheduler_process(
    command: str,
    log: Path,
    *args: str,
    ready: str,
    timeout: float = 30.0,
    env: Mapping[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``game-scheduler COMMAND ARGS``; stop it (TERM, then KILL) when the block ends.

    ``env`` replaces the environment built from this process's settings.
    """
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "game_scheduler.cli", command, *args],
            env=dict(env) if env is not None else _env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_line(log, ready, process, timeout)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


@contextmanager
def worker_process(
    log: Path, name: str, *args: str, pool: str = "solo", concurrency: int = 1
) -> Iterator[subprocess.Popen[bytes]]:
    """A Celery worker in a process of its own, consuming once it says it is ready."""
    with scheduler_process(
        "worker",
        log,
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        f"--hostname={name}@test",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        "--loglevel=INFO",
        *args,
        ready=" ready.",
    ) as process:
        yield process


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found

"""Every production process (api, bot, worker, beat) as a subprocess, each with its own env."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from game_scheduler.config import Settings
from tests.support.scheduler_processes import scheduler_process


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_env(**settings: str) -> dict[str, str]:
    """This machine's environment without any Game Scheduler setting but the tests' SECRET_KEY
    (processes on PostgreSQL refuse the default), plus ``settings``."""
    base = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    base["SECRET_KEY"] = os.environ["SECRET_KEY"]
    return base | {key.upper(): value for key, value in settings.items()}


class ProductionStack:
    """Starts ``game-scheduler`` subprocesses, keeps their output in files, stops them all."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.logs: list[Path] = []
        self._processes = ExitStack()

    def migrate(self, env: dict[str, str]) -> None:
        """``game-scheduler migrate``, as an upgrade runs it before the other processes."""
        log = self._log("migrate")
        with log.open("wb") as out:
            done = subprocess.run(
                [sys.executable, "-m", "game_scheduler.cli", "migrate"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=120,
            )
        assert done.returncode == 0, f"migrate failed:\n{log.read_text()}"

    async def start(
        self, name: str, command: str, *args: str, ready: str, env: dict[str, str]
    ) -> None:
        """Run ``game-scheduler COMMAND ARGS`` until :meth:`stop`; return once it prints ``ready``.

        The wait runs on a thread so the test's event loop (serving the fake Discord) goes on.
        """
        process = scheduler_process(command, self._log(name), *args, ready=ready, env=env)
        await asyncio.to_thread(self._processes.enter_context, process)

    async def stop(self) -> None:
        """SIGTERM every process (newest first), SIGKILL what is still up 20 s later."""
        await asyncio.to_thread(self._processes.close)

    def output(self) -> str:
        """Every process's log, one after another."""
        return "\n".join(
            f"===== {log.name} =====\n{log.read_text(errors='replace')}"
            for log in self.logs
            if log.exists()
        )

    def _log(self, name: str) -> Path:
        log = self.log_dir / f"{name}.log"
        self.logs.append(log)
        return log

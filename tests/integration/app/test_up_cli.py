"""``game-scheduler up`` and ``migrate`` as a new user first meets them: help, a busy port."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each starts the command in a new interpreter

BIN = Path(sys.executable).parent / "game-scheduler"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env |= {"LOG_LEVEL": "INFO", "DATABASE_URL": f"sqlite:///{cwd / 'cli.db'}"}
    return subprocess.run(
        [str(BIN), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_up_help_prints_help_only(tmp_path):
    done = _run("up", "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("usage: game-scheduler up")
    assert "--demo" in done.stdout
    assert done.stderr == ""
    assert not (tmp_path / "cli.db").exists()


def test_migrate_does_not_announce_alembic_plugins(tmp_path):
    done = _run("migrate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert "setup plugin" not in output
    assert "Running upgrade" in output  # the revisions it runs are still told


def test_a_busy_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = _run("up", "--port", str(port), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"port {port} is in use: try --port ")
    suggested = int(line.rsplit(" ", 1)[1])
    assert suggested > port
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "cli.db").exists()

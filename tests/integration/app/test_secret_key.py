"""Issue 12 item 6: the public default SECRET_KEY is refused where it would matter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game_scheduler.app.local_secret import use_local_secret_key
from game_scheduler.config import DEFAULT_SECRET_KEY, get_settings

COMMAND = str(Path(sys.executable).parent / "game-scheduler")


def _run(command: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    return subprocess.run(
        [COMMAND, command],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_api_with_https_and_the_default_key_exits_2_with_one_line():
    done = _run("api", PUBLIC_URL="https://games.example", DATABASE_URL="sqlite:///x.db")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("game-scheduler api: SECRET_KEY must be")
    assert "PUBLIC_URL is https" in lines[0]


@pytest.mark.parametrize("command", ["bot", "worker", "beat"])
def test_postgresql_with_a_short_key_is_refused(command):
    done = _run(
        command, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none", SECRET_KEY="short-key"
    )
    assert done.returncode == 2
    assert "SECRET_KEY must be a random value of at least 32 characters" in done.stderr
    assert "short-key" not in done.stderr


def test_up_generates_a_key_beside_its_sqlite_file_and_keeps_it(tmp_path, configure):
    database = tmp_path / "games.db"
    configure(database_url=f"sqlite:///{database}", secret_key=DEFAULT_SECRET_KEY)
    use_local_secret_key()
    first = get_settings().secret_key.get_secret_value()
    stored = tmp_path / "games.db.secret"
    assert stored.read_text().strip() == first
    assert stored.stat().st_mode & 0o077 == 0
    assert first != DEFAULT_SECRET_KEY
    assert len(first) >= 32
    os.environ["SECRET_KEY"] = DEFAULT_SECRET_KEY
    get_settings.cache_clear()
    use_local_secret_key()
    assert get_settings().secret_key.get_secret_value() == first

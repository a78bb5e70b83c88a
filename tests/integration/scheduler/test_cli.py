"""``game-scheduler beat`` keeps its state where it can write, or says so in one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def beat(cwd: Path | str, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "game_scheduler.cli", "beat", "--loglevel=INFO", *args],
        cwd=cwd,
        env={k: v for k, v in os.environ.items() if k != "BEAT_SCHEDULE_PATH"} | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_beat_in_an_unwritable_directory_keeps_its_state_under_the_state_home(
    tmp_path, rabbitmq_url
):
    # /proc refuses new files even to root: the working directory is unwritable for anyone.
    env = {
        "RABBITMQ_URL": rabbitmq_url,
        "XDG_STATE_HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'heartbeat.db'}",  # not a file in /proc
    }
    process = beat("/proc", env)
    state = tmp_path / "game-scheduler"
    try:
        deadline = time.monotonic() + 120  # a guard: beat starts slowly on a loaded machine
        while not any(state.glob("celerybeat-schedule*")):
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "beat wrote no schedule state"
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=90)[0]
    assert "Removing corrupted schedule file" not in output


@pytest.mark.parametrize("how", ["env", "option"])
def test_beat_that_cannot_write_its_state_fails_with_one_clear_line(tmp_path, how):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    target = str(blocker / "celerybeat-schedule")
    env = {"BEAT_SCHEDULE_PATH": target} if how == "env" else {}
    args = ("-s", target) if how == "option" else ()
    process = beat(tmp_path, env, *args)
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert target in lines[0]
    assert "BEAT_SCHEDULE_PATH" in lines[0]

"""Ctrl-C stops ``game-scheduler up`` within 5 s (it could hang 30 s on its scheduler thread)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.e2e.test_up import BIN, _free_port, _Output

pytestmark = pytest.mark.slow


def test_ctrl_c_stops_up_within_five_seconds(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env |= {"LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [str(BIN), "up", "--demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = _Output(process)
    try:
        output.wait_for(rf"up at http://127\.0\.0\.1:{port}/", timeout=60)
        # The scheduler has relayed the demo's events: its thread is running rounds.
        output.wait_for(r"\[console post to channel \d+\]", timeout=30)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
    print(f"up stopped {took:.2f} s after SIGINT")
    assert code == 0, output.text
    assert took < 5, output.text

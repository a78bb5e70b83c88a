"""Ctrl-C stops ``game-scheduler up`` within 5 s (it could hang 30 s on its scheduler thread)."""

from __future__ import annotations

import signal
import time

import pytest

from tests.e2e.test_up import _free_port, start_up_demo

pytestmark = pytest.mark.slow


def test_ctrl_c_stops_up_within_five_seconds(tmp_path):
    port = _free_port()
    process, output = start_up_demo(tmp_path, port)
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

"""``game-scheduler up --demo`` as a user runs it: one process, SQLite, console bot."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from game_scheduler.services.auth.demo import DEMO_GUILD_ID

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent / "game-scheduler"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Output:
    """Collects a process's output on a thread so the test can wait for a line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.text = ""
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self._lock:
                self.text += line

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = re.search(pattern, self.text)
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"{pattern!r} not seen within {timeout} s; output:\n{self.text}")


def start_up_demo(cwd: Path, port: int) -> tuple[subprocess.Popen[str], _Output]:
    """``game-scheduler up --demo`` in ``cwd`` on ``port``, as a user with no Discord or
    database settings runs it; its output collected as it comes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env |= {"LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [str(BIN), "up", "--demo", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, _Output(process)


def test_up_demo_serves_dashboard_and_sends_the_reminder(tmp_path):
    port = _free_port()
    process, output = start_up_demo(tmp_path, port)
    try:
        output.wait_for(rf"up at http://127\.0\.0\.1:{port}/", timeout=60)
        # The banner says what to do next: where to sign in, where the demo reminder shows.
        output.wait_for(rf"Next: open http://127\.0\.0\.1:{port}/signin and sign in as", 5)
        output.wait_for(r"Bot console .* reminder DM appears there about a minute", 5)
        assert "setup plugin" not in output.text
        assert (tmp_path / "game_scheduler.db").exists()
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, follow_redirects=True, timeout=10) as client:
            signin = client.get("/signin")
            assert signin.status_code == 200
            assert "demo" in signin.text.lower()
            assert client.post("/signin/demo").status_code == 200
            assert "Demo Server" in client.get("/servers").text
            listing = client.get(f"/servers/{DEMO_GUILD_ID}").text
            assert "Quick demo: reminder in one minute" in listing
            output.wait_for(r"\[console post to channel \d+\]", timeout=30)
            # The 2-minute reminder of a game starting 3 minutes after launch: due in about 1.
            output.wait_for(r"\[console dm to user \d+\]\s*\n.*Reminder: .*Quick demo", timeout=120)
            # By now seeding's events are handled: each game is one post, not post + same edits.
            posts = re.findall(r"\[console (post|edit) to channel \d+\]\n", output.text)
            assert posts == ["post"] * 3, output.text
            console = client.get("/console")
            assert console.status_code == 200
            assert "Reminder:" in console.text
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0, output.text

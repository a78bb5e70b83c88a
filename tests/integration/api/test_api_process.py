"""Issue 12 items 7 and 8 against a real ``game-scheduler api`` process: memory and the log."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

COMMAND = str(Path(sys.executable).parent / "game-scheduler")
FIVE_MB = 5 * 1024 * 1024
FEED_TOKEN = "Zx9-secret-feed-token-0123456789abcdefghijkl"
OAUTH_CODE = "secret-oauth-code-4711"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def api_process(
    sqlite_url: str, rabbitmq_url: str, tmp_path: Path
) -> Iterator[tuple[str, int, Path]]:
    """``game-scheduler api`` on the session's SQLite file; its output kept in a file."""
    port = _free_port()
    log = tmp_path / "api.log"
    env = os.environ | {
        "DATABASE_URL": sqlite_url,
        "RABBITMQ_URL": rabbitmq_url,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "DISCORD_CLIENT_ID": "x",
        "DISCORD_CLIENT_SECRET": "y",
        "DISCORD_API_BASE": "http://127.0.0.1:1/api/v10",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [COMMAND, "api", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while b"Application startup complete" not in log.read_bytes():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", process.pid, log
    finally:
        process.terminate()
        process.wait(30)


def _stream(total: int) -> Iterator[bytes]:
    chunk = b"x" * (64 * 1024)
    for _ in range(total // len(chunk)):
        yield chunk


@pytest.mark.slow
def test_5_mb_posts_get_413_and_barely_grow_the_process(api_process):
    base, pid, _log = api_process
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(3):  # warm up imports and pools before measuring
            client.post("/api/v1/games", json={})
        before = _rss_bytes(pid)
        for _ in range(5):
            streamed = client.post(
                "/api/v1/games",
                content=_stream(FIVE_MB),
                headers={"Content-Type": "application/json"},
            )
            assert streamed.status_code == 413
    with httpx.Client(base_url=base, timeout=30) as client:
        declared = client.post(
            "/api/v1/games", content=b"x" * FIVE_MB, headers={"Content-Type": "application/json"}
        )
        assert declared.status_code == 413
    growth = _rss_bytes(pid) - before
    assert growth < 20 * 1024 * 1024, f"grew {growth / 2**20:.1f} MiB"


def test_no_token_or_code_in_any_log_line(api_process):
    base, _pid, log = api_process
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.get(f"/calendar/{FEED_TOKEN}.ics").status_code == 404
        client.get("/auth/callback", params={"code": OAUTH_CODE, "state": "s" * 20})
        client.get("/health")
    deadline = time.monotonic() + 60  # a guard, not a measure: a loaded machine is slow
    while b"/health" not in log.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    text = log.read_text()
    assert "/calendar/[redacted].ics" in text
    assert "/auth/callback?[redacted]" in text
    for line in text.splitlines():
        assert FEED_TOKEN not in line
        assert OAUTH_CODE not in line

"""Memory an api process gains from large unauthenticated POSTs, with and without MAX_BODY_BYTES.

Starts ``game-scheduler api`` on a throwaway SQLite file (no broker needed: events go to the
outbox), sends N streamed POSTs of SIZE MiB to /api/v1/games, and prints the process' RSS growth.

    python -m bench.body_limit [--posts 5] [--size 50]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from game_scheduler import migrate

COMMAND = str(Path(sys.executable).parent / "game-scheduler")
CHUNK = b"x" * (64 * 1024)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _body(mib: int) -> Iterator[bytes]:
    for _ in range(mib * 16):
        yield CHUNK


def measure(limit: int, posts: int, size: int) -> tuple[float, set[int]]:
    """RSS growth in MiB after ``posts`` streamed bodies, and the status codes seen."""
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/bench.db"
        migrate.upgrade(url)
        port = _free_port()
        env = os.environ | {
            "DATABASE_URL": url,
            "RABBITMQ_URL": "amqp://nobody:nobody@127.0.0.1:1/",
            "MAX_BODY_BYTES": str(limit),
            "LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [COMMAND, "api", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    httpx.get(f"{base}/health", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            statuses = set()
            with httpx.Client(base_url=base, timeout=120) as client:
                for _ in range(3):
                    client.post("/api/v1/games", json={})
                before = _rss_mib(server.pid)
                for _ in range(posts):
                    response = client.post(
                        "/api/v1/games",
                        content=_body(size),
                        headers={"Content-Type": "application/json"},
                    )
                    statuses.add(response.status_code)
            return _rss_mib(server.pid) - before, statuses
        finally:
            server.terminate()
            server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5)
    parser.add_argument("--size", type=int, default=50, help="MiB per POST")
    args = parser.parse_args()
    for label, limit in (("MAX_BODY_BYTES=1 MiB", 1024 * 1024), ("no limit", 0)):
        growth, statuses = measure(limit, args.posts, args.size)
        print(
            f"{label}: {args.posts} POSTs of {args.size} MiB -> statuses {sorted(statuses)},"
            f" RSS growth {growth:.1f} MiB"
        )


if __name__ == "__main__":
    main()

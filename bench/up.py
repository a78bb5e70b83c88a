"""``game-scheduler up`` under load: concurrent users joining and leaving games on SQLite.

Starts ``game-scheduler up`` (SQLite in a temporary directory, in-process event bus, console
"Discord", embedded scheduler) as its own process, seeds a server, games with some players each
and one signed-in session per user straight into its database (as ``bench/api.py`` does), then
drives ``--users`` users over loopback for ``--duration`` seconds after a 2 s warm-up, each
joining a random game and leaving it again. Prints throughput, p50/p99 of successful requests,
failures by status and the ``up`` process's CPU per request; the last lines are
``up errors: N`` and ``up p99 ms: X`` (goal: no errors, p99 < 500 ms at 50 users).

    python -m bench.up [--users 50] [--duration 15] [--games 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.api import drive, free_port, join_leave, seed, stop_server, tree_cpu_seconds
from game_scheduler import database
from game_scheduler.config import get_settings
from game_scheduler.models import OutboxEvent


def start_up(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``game-scheduler up`` on its own; returns once it accepts connections."""
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "game_scheduler.cli", "up", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if b"http://" in log.read_bytes():  # the banner: every part is running
            return server
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"game-scheduler up did not start:\n{log.read_text()}")


async def run(args: argparse.Namespace, base: str, pid: int) -> tuple[int, float]:
    signed_in, ids = await seed(args.users, args.games, args.players)
    step = join_leave(ids)
    await drive(base, signed_in, step, args.users, 2.0)  # warm-up, not counted
    cpu_before = tree_cpu_seconds(pid)
    tally, elapsed = await drive(base, signed_in, step, args.users, args.duration)
    cpu = tree_cpu_seconds(pid) - cpu_before
    done = max(1, len(tally.latencies))
    print(tally.report("join + leave", elapsed), flush=True)
    print(f"{'':<22} up CPU {cpu / done * 1000:5.1f} ms/req", flush=True)
    backlog, drained = await event_backlog()
    print(
        f"{'':<22} events not yet handled when the load stopped: {backlog}; "
        f"all handled {drained:.1f} s later",
        flush=True,
    )
    return sum(tally.failures.values()), tally.p99_ms()


async def event_backlog() -> tuple[int, float]:
    """Outbox rows the bus has not handled yet, and how long until it has handled them all.

    In ``up`` an event is marked published once the bus's handlers are done with it, so the
    count says whether the handlers kept up with the requests or only the requests were fast.
    """
    started = time.perf_counter()
    unhandled = (
        select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
    )
    backlog = None
    while time.perf_counter() - started < 120:
        async with database.get_db_session() as db:
            left = (await db.execute(unhandled)).scalar_one()
        backlog = left if backlog is None else backlog
        if left == 0:
            break
        await asyncio.sleep(0.1)
    await database.dispose_engines()
    return backlog or 0, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="simultaneous users")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured")
    parser.add_argument("--games", type=int, default=20)
    parser.add_argument("--players", type=int, default=4, help="players already in each game")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gs_bench_up_") as tmp:
        database_url = f"sqlite:///{tmp}/up.db"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("SECRET_KEY", "RABBITMQ_URL", "DISCORD_TOKEN", "DISCORD_CLIENT_ID")
        }
        env |= {
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "SIGNUP_CHANGES_PER_MINUTE": "0",  # each user toggles one signup over and over
        }
        port = free_port()
        server = start_up(env, port, Path(tmp) / "up.log")
        try:
            os.environ["DATABASE_URL"] = database_url
            get_settings.cache_clear()
            print(
                f"up: SQLite, in-process bus, console Discord; {args.users} concurrent users "
                f"over loopback, {args.duration:.0f} s; {args.games} games",
                flush=True,
            )
            errors, p99 = asyncio.run(run(args, f"http://127.0.0.1:{port}", server.pid))
        finally:
            stop_server(server, grace=30)
    print(f"up errors: {errors}")
    print(f"up p99 ms: {p99:.0f}")


if __name__ == "__main__":
    main()

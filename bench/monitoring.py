"""What monitoring costs: a scrape, the status command, and the per-event and per-line overhead.

1. Scrape: ``render()`` with the database and broker collectors (as the api and the worker serve
   ``/metrics``) on PostgreSQL holding ``--games`` games with two pending reminders each and
   ``--backlog`` unpublished outbox rows; median and max of 20.
2. ``game-scheduler status --json`` as a subprocess (interpreter start included); median of 5.
3. The bot's handler wrapper (log context, timing, counters) around a no-op handler, per event.
4. One log line through our handler (context and redaction filters), text and JSON, per line.

It makes and removes its own PostgreSQL database and RabbitMQ vhost (needs ``rabbitmqctl``).

    python bench/monitoring.py [--games 10000] [--backlog 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: bench/ and tests/support/ are importable

from tests.support.monitoring import write_unpublished  # noqa: E402
from tests.support.seeding import seed_games  # noqa: E402

from bench.messaging import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEFAULT_RABBITMQ_URL,
    own_database,
    own_vhost,
)
from game_scheduler import database  # noqa: E402
from game_scheduler.bot.instrumentation import instrument_handler  # noqa: E402
from game_scheduler.config import get_settings  # noqa: E402
from game_scheduler.messaging.events import EventType, GameRef, make_event  # noqa: E402
from game_scheduler.models import utcnow  # noqa: E402
from game_scheduler.monitoring.collectors import scrape_collectors  # noqa: E402
from game_scheduler.observability.logs import make_handler  # noqa: E402
from game_scheduler.observability.metrics import render  # noqa: E402

CHUNK = 1000


def seed(games: int, backlog: int) -> None:
    started = time.perf_counter()
    now = utcnow()
    starts = [now + timedelta(minutes=30 + n % 600) for n in range(games)]
    for first in range(0, games, CHUNK):
        with database.get_sync_db_session() as session:
            seed_games(
                session, starts[first : first + CHUNK], players=2, waitlisted=0, offsets=(60, 15)
            )
    for first in range(0, backlog, CHUNK):
        write_unpublished(min(CHUNK, backlog - first), timedelta(seconds=30))
    took = time.perf_counter() - started
    print(f"seeded {games} games, {backlog} unpublished events in {took:.1f} s")


def bench_scrape() -> None:
    collectors = scrape_collectors()
    render(collectors)  # warm: engine, connections
    times = []
    for _ in range(20):
        started = time.perf_counter()
        text = render(collectors)
        times.append(time.perf_counter() - started)
    assert b"outbox_backlog" in text
    print(
        f"scrape (render with database and broker gauges): median "
        f"{statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
    )


def bench_status(env: dict[str, str]) -> None:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "game_scheduler.cli", "status", "--json"],
            env=env,
            capture_output=True,
            timeout=120,
        )
        times.append(time.perf_counter() - started)
        assert done.returncode in (0, 1), done.stderr
    print(f"game-scheduler status --json: median {statistics.median(times):.2f} s")


def bench_wrapper(events: int = 100_000) -> None:
    async def noop(_envelope: object) -> None:
        return None

    envelope = make_event(
        EventType.GAME_CREATED, GameRef(game_id=1, guild_discord_id="1", channel_discord_id="2")
    )
    wrapped = instrument_handler(EventType.GAME_CREATED, noop)
    logging.getLogger("game_scheduler.bot.instrumentation").setLevel(logging.WARNING)

    async def run(handler: object) -> float:
        started = time.perf_counter()
        for _ in range(events):
            await handler(envelope)  # type: ignore[operator]
        return time.perf_counter() - started

    bare = asyncio.run(run(noop))
    instrumented = asyncio.run(run(wrapped))
    print(f"handler wrapper: {(instrumented - bare) / events * 1e6:.1f} µs per event")


def bench_log_lines(lines: int = 50_000) -> None:
    settings = get_settings()
    for log_format in ("text", "json"):
        logger = logging.getLogger(f"bench.{log_format}")
        logger.propagate = False
        logger.addHandler(
            make_handler(settings.model_copy(update={"log_format": log_format}), io.StringIO())
        )
        started = time.perf_counter()
        for n in range(lines):
            logger.warning("event %s for game %d went by %s", "abc", n, "dm")
        print(f"log line ({log_format}): {(time.perf_counter() - started) / lines * 1e6:.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=10_000)
    parser.add_argument("--backlog", type=int, default=5_000)
    args = parser.parse_args()
    admin = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    broker = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
    with own_database(admin) as db_url, own_vhost(broker) as mq_url:
        os.environ["DATABASE_URL"], os.environ["RABBITMQ_URL"] = db_url, mq_url
        get_settings.cache_clear()
        seed(args.games, args.backlog)
        bench_scrape()
        bench_status(dict(os.environ))
        bench_wrapper()
        bench_log_lines()
        database.dispose_sync_engine()


if __name__ == "__main__":
    main()

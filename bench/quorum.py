"""How punctually the scheduler settles quorum deadlines, and what its per-run scan costs.

1. Lateness: ``--games`` games (10 confirmed players, min 2) whose quorum deadlines fall over one
   minute, with a worker and ``game-scheduler beat`` at the default intervals; per game, the
   broker-confirmed publish time of its ``game.quorum_met`` event minus its deadline.
2. Scan cost: ``--idle-games`` more undecided games with a 24 h deadline starting 25 to 30 h
   ahead, with enough players: inside the scanned window (deadline + the 6 h nudge lead) but
   nothing due, the worst case for the read; the median time of ``find_quorum_candidates``,
   the read each check run makes.

Ends with ``quorum lateness p99: X.XX s`` (goal < 2) and ``quorum scan: X.X ms``.
It makes and removes its own PostgreSQL database and RabbitMQ vhost (needs ``rabbitmqctl``).

    python bench/quorum.py [--games 300] [--idle-games 10000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: bench/ and tests/support/ are importable

from sqlalchemy import func, select, update  # noqa: E402
from tests.support.seeding import seed_games  # noqa: E402

from bench.scheduler import percentile, scheduler_bench, scheduler_running  # noqa: E402
from game_scheduler import database  # noqa: E402
from game_scheduler.messaging.events import EventType  # noqa: E402
from game_scheduler.models import Game, OutboxEvent, utcnow  # noqa: E402
from game_scheduler.scheduler.celery_app import app  # noqa: E402
from game_scheduler.scheduler.services.quorum_candidates import (  # noqa: E402
    find_quorum_candidates,
)

PLAYERS = 10
CHUNK = 1000


def seed(starts: list, deadline_minutes: int) -> None:
    """Games of ten confirmed players (min 2), posted a day ago, with this quorum deadline."""
    for start in range(0, len(starts), CHUNK):
        with database.get_sync_db_session() as session:
            games = seed_games(
                session, starts[start : start + CHUNK], players=PLAYERS, waitlisted=0, offsets=(1,)
            )
            session.execute(
                update(Game)
                .where(Game.id.in_([g.game_id for g in games]))
                .values(
                    min_players=2,
                    quorum_deadline_minutes=deadline_minutes,
                    created_at=utcnow() - timedelta(days=1),
                )
            )
            session.commit()


def settled() -> int:
    with database.get_sync_db_session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(OutboxEvent)
                .where(
                    OutboxEvent.event_type == EventType.QUORUM_MET.value,
                    OutboxEvent.published_at.is_not(None),
                )
            )
            or 0
        )


def lateness(games: int, logs: Path) -> list[float]:
    """Seconds from each deadline to its confirmed ``game.quorum_met``."""
    deadline_minutes = 60
    first = utcnow() + timedelta(seconds=30)
    starts = [
        first + timedelta(minutes=deadline_minutes, seconds=60 * i / games) for i in range(games)
    ]
    seed(starts, deadline_minutes)
    with scheduler_running(logs, "quorum"):
        end = time.monotonic() + 300
        while settled() < games:
            if time.monotonic() > end:
                raise SystemExit(f"timed out: {settled()} of {games} settled")
            time.sleep(0.2)
    with database.get_sync_db_session() as session:
        rows = session.execute(
            select(OutboxEvent.payload, OutboxEvent.published_at).where(
                OutboxEvent.event_type == EventType.QUORUM_MET.value
            )
        ).all()
        starts_by_id = dict(session.execute(select(Game.id, Game.scheduled_at)).all())
    late = [
        (
            published - starts_by_id[p["data"]["game_id"]] + timedelta(minutes=deadline_minutes)
        ).total_seconds()
        for p, published in rows
    ]
    return sorted(late)


def scan_cost(idle: int) -> float:
    """Median milliseconds of the check's read with ``idle`` undecided games in its window."""
    now = utcnow()
    seed([now + timedelta(minutes=1500 + 300 * i / idle) for i in range(idle)], 1440)
    timings = []
    for _ in range(20):
        with database.get_sync_db_session() as session:
            started = time.perf_counter()
            found = find_quorum_candidates(session, utcnow())
            timings.append((time.perf_counter() - started) * 1000)
        assert found == [], found
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=300)
    parser.add_argument("--idle-games", type=int, default=10_000)
    args = parser.parse_args()
    with scheduler_bench() as (_, logs):
        late = lateness(args.games, logs)
        cost = scan_cost(args.idle_games)
        app.close()
    print(
        f"quorum lateness over {len(late)} deadlines: p50 {percentile(late, 50):.2f} s, "
        f"p99 {percentile(late, 99):.2f} s, max {late[-1]:.2f} s"
    )
    print(f"quorum lateness p99: {percentile(late, 99):.2f} s")
    print(f"quorum scan: {cost:.1f} ms ({args.idle_games} undecided games ahead)")


if __name__ == "__main__":
    main()

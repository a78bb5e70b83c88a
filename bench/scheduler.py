"""How fast and how punctually the scheduler sends reminders, against bare pika on the same broker.

1. Throughput: 10,000 upcoming games with 10 confirmed players each (the host is one of them, so
   10 DMs per reminder), every reminder due. The clock runs from sending
   ``check_upcoming_notifications`` to one worker process (``game-scheduler worker --pool=prefork
   --concurrency=1``), through its send tasks and a relay run, until RabbitMQ has confirmed all
   100,000 events (all in the bot's queue, every outbox row marked published).
2. The bare pika ceiling, as in ``bench/messaging.py``: confirm per message, and tx batches of 100
   (best of ``--rounds``), on the same broker in the same run.
3. Lateness: 1,000 games whose reminders come due over one minute, with a worker and
   ``game-scheduler beat`` at the default intervals; per reminder, publish time (its outbox rows'
   ``published_at``, set once the broker confirmed them) minus ``due_at``.

4. Lateness of reminders made near their due time: with the worker and beat running, games
   created one by one with a reminder due 3 to 8 s later, and games rescheduled 45 minutes
   earlier so that their reminder comes due 3 to 8 s later (the rows changed as a reschedule
   changes them); same measure as 3. Before the 1 s dispatch these waited for the 60 s check.

Ends with ``throughput/pika ratio: X.XX`` (goal >= 0.30), ``lateness p99: X.XX s`` (goal < 2)
and ``late-made lateness p99: X.XX s`` (goal < 1).
It makes and removes its own PostgreSQL database and RabbitMQ vhost (needs ``rabbitmqctl``).

    python bench/scheduler.py [--games 10000] [--rounds 3] [--lateness-games 1000]
                              [--late-made-games 100]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: bench/ and tests/support/ are importable

from sqlalchemy import func, select, text, update  # noqa: E402
from tests.support.scheduler_processes import scheduler_process, worker_process  # noqa: E402
from tests.support.seeding import seed_games  # noqa: E402

from bench.messaging import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEFAULT_RABBITMQ_URL,
    TX_BATCH,
    bare_pika,
    encode,
    events,
    own_database,
    own_vhost,
    queued,
    timed,
)
from game_scheduler import database  # noqa: E402
from game_scheduler.config import get_settings  # noqa: E402
from game_scheduler.domain.reminders import ReminderStatus  # noqa: E402
from game_scheduler.models import Game, OutboxEvent, Reminder, utcnow  # noqa: E402
from game_scheduler.scheduler.celery_app import (  # noqa: E402
    CHECK_NOTIFICATIONS,
    RELAY_OUTBOX,
    app,
    configure_app,
)

PLAYERS = 10
OFFSET = 15
CHUNK = 1000


def seed(starts: list, label: str) -> None:
    """Games of ten confirmed players (the host among them), one reminder each."""
    started = time.perf_counter()
    for start in range(0, len(starts), CHUNK):
        with database.get_sync_db_session() as session:
            seed_games(
                session,
                starts[start : start + CHUNK],
                players=PLAYERS,
                waitlisted=0,
                offsets=(OFFSET,),
                host_plays=True,
            )
    print(f"seeded {len(starts)} games ({label}) in {time.perf_counter() - started:.1f} s")


def progress() -> tuple[int, int, int]:
    """(reminders sent, outbox rows, outbox rows not yet confirmed by the broker)."""
    with database.get_sync_db_session() as session:
        sent = session.scalar(select(func.count()).where(Reminder.status == ReminderStatus.SENT))
        total = session.scalar(select(func.count()).select_from(OutboxEvent))
        open_rows = session.scalar(select(func.count()).where(OutboxEvent.published_at.is_(None)))
    return sent or 0, total or 0, open_rows or 0


def wait_until_delivered(reminders: int, timeout: float) -> None:
    """Poll until every reminder is sent and every event confirmed; relay once they are sent."""
    deadline = time.monotonic() + timeout
    relayed = False
    while time.monotonic() < deadline:
        sent, total, open_rows = progress()
        if sent == reminders and not relayed:
            app.send_task(RELAY_OUTBOX)  # as beat would: anything the fast path left behind
            relayed = True
        if sent == reminders and total == reminders * PLAYERS and open_rows == 0:
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out: {progress()} (sent, events, unconfirmed)")


def throughput(amqp_url: str, games: int, logs: Path, concurrency: int) -> float:
    """Events per second from the check to the last confirmed event, one worker."""
    seed([utcnow() + timedelta(minutes=OFFSET - 1)] * games, "all reminders due")
    worker = worker_process(
        logs / "throughput-worker.log", "bench", pool="prefork", concurrency=concurrency
    )
    with worker:
        started = time.perf_counter()
        app.send_task(CHECK_NOTIFICATIONS)
        wait_until_delivered(games, timeout=1800)
        elapsed = time.perf_counter() - started
    count = games * PLAYERS
    arrived = queued(amqp_url)
    if arrived != count:
        raise SystemExit(f"scheduler: {arrived} of {count} events reached the queue")
    rate = count / elapsed
    label = "scheduler: check + sends + relay"
    print(f"{label:<40} {count:>7} msgs  {elapsed:7.2f} s  {rate:9.0f} msgs/s", flush=True)
    return rate


def scheduler_running(logs: Path, name: str, concurrency: int = 1) -> contextlib.ExitStack:
    """A worker and ``game-scheduler beat`` at the default intervals."""
    stack = contextlib.ExitStack()
    stack.enter_context(
        worker_process(
            logs / f"{name}-worker.log", "bench", pool="prefork", concurrency=concurrency
        )
    )
    stack.enter_context(
        scheduler_process(
            "beat",
            logs / f"{name}-beat.log",
            "--loglevel=INFO",
            "-s",
            str(logs / f"{name}-beat-schedule"),
            ready="beat: Starting",
        )
    )
    return stack


def empty_tables(amqp_url: str) -> None:
    with database.get_sync_db_session() as session:
        session.execute(text("TRUNCATE outbox, reminder, participant, game, user_account CASCADE"))
        session.commit()
    queued(amqp_url)


def lateness(amqp_url: str, games: int, logs: Path, concurrency: int) -> list[float]:
    """Seconds from due time to confirmed publish, per reminder, with beat at default intervals."""
    empty_tables(amqp_url)
    first_due = utcnow() + timedelta(seconds=30)
    starts = [first_due + timedelta(minutes=OFFSET, seconds=60 * i / games) for i in range(games)]
    seed(starts, "reminders due over one minute")
    with scheduler_running(logs, "lateness", concurrency):
        wait_until_delivered(games, timeout=300)
    return published_lateness()


def late_made(amqp_url: str, games: int, logs: Path, concurrency: int) -> list[float]:
    """Lateness of reminders created, or moved earlier, a few seconds before they come due."""
    empty_tables(amqp_url)
    rng = random.Random(11)
    with scheduler_running(logs, "late-made", concurrency):
        time.sleep(3)  # beat's start-up check has run: nothing but the dispatch can help now
        for n in range(games):
            soon = utcnow() + timedelta(minutes=OFFSET, seconds=rng.uniform(3, 8))
            with database.get_sync_db_session() as session:
                if n % 2 == 0:
                    seed_games(session, [soon], players=PLAYERS, waitlisted=0, host_plays=True)
                else:
                    [game] = seed_games(
                        session,
                        [soon + timedelta(minutes=45)],
                        players=PLAYERS,
                        waitlisted=0,
                        host_plays=True,
                    )
                    session.execute(
                        update(Game).where(Game.id == game.game_id).values(scheduled_at=soon)
                    )
                    session.execute(
                        update(Reminder)
                        .where(Reminder.game_id == game.game_id)
                        .values(due_at=soon - timedelta(minutes=OFFSET))
                    )
                    session.commit()
            time.sleep(0.2)
        wait_until_delivered(games, timeout=300)
    return published_lateness()


def published_lateness() -> list[float]:
    """Per reminder: its last DM's confirmed publish time minus its due time, sorted."""
    with database.get_sync_db_session() as session:
        rows = session.execute(select(OutboxEvent.payload, OutboxEvent.published_at)).all()
        due = dict(session.execute(select(Reminder.id, Reminder.due_at)).all())
    published: dict[int, float] = {}
    for payload, published_at in rows:
        reminder_id = payload["data"]["reminder_id"]
        late = (published_at - due[reminder_id]).total_seconds()
        published[reminder_id] = max(late, published.get(reminder_id, late))
    return sorted(published.values())


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of sorted values, nearest rank."""
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))]


@contextlib.contextmanager
def scheduler_bench() -> Iterator[tuple[str, Path]]:
    """A database and a vhost of the bench's own, the Celery app pointed at them, and a folder
    for the processes' logs; all dropped afterwards."""
    db_admin = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    amqp_root = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
    with (
        own_database(db_admin) as db_url,
        own_vhost(amqp_root) as amqp_url,
        tempfile.TemporaryDirectory(prefix="gs_bench_") as tmp,
    ):
        os.environ["DATABASE_URL"] = db_url
        os.environ["RABBITMQ_URL"] = amqp_url
        get_settings.cache_clear()
        configure_app(app, get_settings())
        yield amqp_url, Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="bare tx runs; best counts")
    parser.add_argument("--pika-count", type=int, default=20_000)
    parser.add_argument("--lateness-games", type=int, default=1_000)
    parser.add_argument("--late-made-games", type=int, default=100)
    parser.add_argument("--offer-games", type=int, default=300, help="seat offers left to lapse")
    parser.add_argument("--quorum-games", type=int, default=200, help="quorum deadlines to settle")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="worker processes (prefork), as README's production worker runs; 1 before issue 18",
    )
    args = parser.parse_args()
    with scheduler_bench() as (amqp_url, logs):
        messages = encode(events(args.pika_count))
        confirm = timed(
            "bare pika, confirm per message",
            len(messages),
            amqp_url,
            lambda: bare_pika(amqp_url, messages, tx_batch=None),
        )
        tx_rates = []
        for round_ in range(args.rounds):
            tx_rates.append(
                timed(
                    f"bare pika, tx batches of {TX_BATCH}",
                    len(messages),
                    amqp_url,
                    lambda: bare_pika(amqp_url, messages, tx_batch=TX_BATCH),
                )
            )
            if round_ == 0:  # the scheduler runs between bare runs: same broker, same moment
                rate = throughput(amqp_url, args.games, logs, args.concurrency)
        late = lateness(amqp_url, args.lateness_games, logs, args.concurrency)
        made = late_made(amqp_url, args.late_made_games, logs, args.concurrency)
        # The other timed work of the scheduler (issue 16), on the same broker and database.
        from bench import offer_expiry, quorum

        offers = offer_expiry.offer_lateness(amqp_url, args.offer_games, logs)
        quorums = quorum.lateness(args.quorum_games, logs)
        app.close()
    ceiling = max(confirm, *tx_rates)
    print(
        f"ceiling: {'tx batches' if max(tx_rates) > confirm else 'confirms'} ({ceiling:.0f} msgs/s)"
    )
    print(
        f"lateness over {len(late)} reminders: p50 {percentile(late, 50):.2f} s, "
        f"p99 {percentile(late, 99):.2f} s, max {late[-1]:.2f} s"
    )
    print(
        f"late-made lateness over {len(made)} reminders created or moved near their due time: "
        f"p50 {percentile(made, 50):.2f} s, p99 {percentile(made, 99):.2f} s, max {made[-1]:.2f} s"
    )
    for label, values in (("offer expiry", offers), ("quorum deadline", quorums)):
        print(
            f"{label} lateness over {len(values)}: p50 {percentile(values, 50):.2f} s, "
            f"p99 {percentile(values, 99):.2f} s, max {values[-1]:.2f} s"
        )
    print(f"throughput/pika ratio: {rate / ceiling:.2f}")
    print(f"lateness p99: {percentile(late, 99):.2f} s")
    print(f"late-made lateness p99: {percentile(made, 99):.2f} s")
    print(f"offer expiry lateness p99: {percentile(offers, 99):.2f} s")
    print(f"quorum lateness p99: {percentile(quorums, 99):.2f} s")


if __name__ == "__main__":
    main()

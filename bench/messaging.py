"""How fast the outbox relay publishes durably, against bare pika on the same broker.

Publishes N ``notification.send_dm`` events three ways into the real topology (the bot's quorum
queue), each durably (the broker has every message before the loop moves on):

1. bare pika, a publisher confirm per message;
2. bare pika, AMQP transactions committing batches of 100;
3. the outbox relay: rows seeded in PostgreSQL, published by ``relay_outbox`` and marked.

The ceiling is the faster bare loop; the last line is ``relay/pika ratio: X.XX`` (goal >= 0.50).
It makes and removes its own PostgreSQL database and RabbitMQ vhost (needs ``rabbitmqctl``).

    python bench/messaging.py [--count 20000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import quote, urlsplit, urlunsplit

import pika
import psycopg
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from game_scheduler import database, migrate
from game_scheduler.config import get_settings
from game_scheduler.messaging import topology
from game_scheduler.messaging.events import DmKind, Envelope, EventType, SendDm, make_event
from game_scheduler.messaging.relay import relay_outbox
from game_scheduler.messaging.sync_publisher import SyncPublisher
from game_scheduler.models import OutboxEvent, utcnow

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
TX_BATCH = 100
SEED_CHUNK = 2000


def events(count: int) -> list[Envelope]:
    """Reminder DMs such as the scheduler writes."""
    return [
        make_event(
            EventType.SEND_DM,
            SendDm(
                recipient_discord_id=str(700_000_000_000_000_000 + n),
                kind=DmKind.REMINDER,
                game_id=n // 10 + 1,
                title="Catan night",
                starts_at=1_900_000_000,
                offset_minutes=15,
                reminder_id=n + 1,
                guild_discord_id="900000000000000001",
                channel_discord_id="900000000000000101",
            ),
        )
        for n in range(count)
    ]


@contextmanager
def own_database(admin_url: str) -> Iterator[str]:
    """A migrated PostgreSQL database of the benchmark's own, dropped afterwards."""
    admin = make_url(admin_url).set(drivername="postgresql")
    name = f"gs_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        database.dispose_sync_engine()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rabbitmqctl(*args: str) -> None:
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([ctl, "-q", *args], check=True, capture_output=True, timeout=60)


@contextmanager
def own_vhost(root_url: str) -> Iterator[str]:
    """A RabbitMQ vhost of the benchmark's own, with the topology declared, deleted afterwards."""
    name = f"gs_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    user = urlsplit(root_url).username or "guest"
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        parts = urlsplit(root_url)
        url = urlunsplit((parts.scheme, parts.netloc, "/" + quote(name, safe=""), "", ""))
        with pika.BlockingConnection(pika.URLParameters(url)) as connection:
            topology.declare_with_pika(connection.channel())
        yield url
    finally:
        rabbitmqctl("delete_vhost", name)


def queued(url: str) -> int:
    """Messages in the bot's queue, which is then emptied for the next run."""
    with pika.BlockingConnection(pika.URLParameters(url)) as connection:
        channel = connection.channel()
        declared = channel.queue_declare(topology.BOT_QUEUE, passive=True)
        channel.queue_purge(topology.BOT_QUEUE)
        return int(declared.method.message_count)


def timed(label: str, count: int, url: str, run: Callable[[], None]) -> float:
    """Run, check every message reached the queue, print and return the rate."""
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    arrived = queued(url)
    if arrived != count:
        raise SystemExit(f"{label}: {arrived} of {count} messages reached the queue")
    rate = count / elapsed
    print(f"{label:<40} {count:>7} msgs  {elapsed:7.2f} s  {rate:9.0f} msgs/s", flush=True)
    return rate


Message = tuple[str, bytes, pika.BasicProperties]


def encode(envelopes: list[Envelope]) -> list[Message]:
    """Routing key, body and properties, made before the clock starts."""
    return [
        (
            topology.routing_key(e),
            e.to_bytes(),
            pika.BasicProperties(**topology.message_properties(e).as_kwargs()),
        )
        for e in envelopes
    ]


def bare_pika(url: str, messages: list[Message], *, tx_batch: int | None) -> None:
    """Publish pre-encoded messages with nothing but pika: confirms, or tx batches."""
    with pika.BlockingConnection(pika.URLParameters(url)) as connection:
        channel = connection.channel()
        if tx_batch is None:
            channel.confirm_delivery()
            for key, body, props in messages:
                channel.basic_publish(topology.EXCHANGE, key, body, props, mandatory=True)
            return
        channel.tx_select()
        for start in range(0, len(messages), tx_batch):
            for key, body, props in messages[start : start + tx_batch]:
                channel.basic_publish(topology.EXCHANGE, key, body, props, mandatory=True)
            channel.tx_commit()


def seed_outbox(envelopes: list[Envelope]) -> None:
    """Unpublished outbox rows, old enough for the relay, in a few multi-row inserts."""
    created = utcnow() - timedelta(minutes=5)
    rows = [
        {
            "event_id": str(e.event_id),
            "event_type": e.event_type.value,
            "payload": e.model_dump(mode="json"),
            "created_at": created,
        }
        for e in envelopes
    ]
    with database.get_sync_db_session() as session:
        for start in range(0, len(rows), SEED_CHUNK):
            session.execute(insert(OutboxEvent), rows[start : start + SEED_CHUNK])
        session.commit()


def relay(url: str, count: int) -> None:
    """Publish the whole outbox through the relay and check every row is marked."""
    publisher = SyncPublisher(url)
    try:
        with database.get_sync_db_session() as session:
            published = relay_outbox(session, publisher, min_age_seconds=0)
            left = session.scalar(select(func.count()).where(OutboxEvent.published_at.is_(None)))
    finally:
        publisher.close()
    if published != count or left != 0:
        raise SystemExit(f"relay published {published} of {count}; {left} rows left unpublished")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3, help="tx and relay runs; best counts")
    args = parser.parse_args()
    count = args.count
    db_admin = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    amqp_root = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
    with own_database(db_admin) as db_url, own_vhost(amqp_root) as amqp_url:
        os.environ["DATABASE_URL"] = db_url
        get_settings.cache_clear()
        messages = encode(events(count))
        confirm = timed(
            "bare pika, confirm per message",
            count,
            amqp_url,
            lambda: bare_pika(amqp_url, messages, tx_batch=None),
        )
        tx_rates, relay_rates = [], []
        # Interleaved rounds, best of each: the machine is shared, one slow run says little.
        for _ in range(args.rounds):
            tx_rates.append(
                timed(
                    f"bare pika, tx batches of {TX_BATCH}",
                    count,
                    amqp_url,
                    lambda: bare_pika(amqp_url, messages, tx_batch=TX_BATCH),
                )
            )
            seed_outbox(events(count))
            relay_rates.append(
                timed(
                    "outbox relay (batches of 500, tx + mark)",
                    count,
                    amqp_url,
                    lambda: relay(amqp_url, count),
                )
            )
    tx, relayed = max(tx_rates), max(relay_rates)
    ceiling = max(confirm, tx)
    print(f"best of {args.rounds}: bare tx {tx:.0f} msgs/s, relay {relayed:.0f} msgs/s")
    print(f"ceiling: {'tx batches' if tx > confirm else 'confirms'} ({ceiling:.0f} msgs/s)")
    print(f"relay/pika ratio: {relayed / ceiling:.2f}")


if __name__ == "__main__":
    main()

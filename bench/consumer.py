"""What the consumer's lease and retry queues cost: events/s and handling latency, no Discord.

Publishes N ``notification.send_dm`` events into the bot's queue and consumes them with the real
``EventConsumer`` (claim, handler, completion mark: two short transactions on PostgreSQL, then
the ack) and a handler that does nothing, so the figures are the consumer's own overhead. Then
the same with every event failing transiently once (a copy through the 1 s retry queue, then
handled), to show an outage's retry costs a publish, not a held slot. Prints
``consumer events/s: N`` and ``consumer handling p99: X ms`` (claim to mark, one event).

    python bench/consumer.py [--count 2000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: bench/ is importable

import game_scheduler.messaging.consumer as consumer_module  # noqa: E402
from bench.messaging import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEFAULT_RABBITMQ_URL,
    events,
    own_database,
    own_vhost,
)
from game_scheduler import database  # noqa: E402
from game_scheduler.config import get_settings  # noqa: E402
from game_scheduler.messaging import handling  # noqa: E402
from game_scheduler.messaging.consumer import EventConsumer  # noqa: E402
from game_scheduler.messaging.events import Envelope, EventType  # noqa: E402
from game_scheduler.messaging.handling import TransientError  # noqa: E402
from game_scheduler.messaging.retries import RetryPolicy  # noqa: E402
from game_scheduler.messaging.sync_publisher import SyncPublisher  # noqa: E402


async def run(rabbitmq_url: str, count: int, concurrency: int, fail_once: bool) -> None:
    envelopes = events(count)
    done = asyncio.Event()
    handled: set[str] = set()
    failed: set[str] = set()
    latencies: list[float] = []
    original = handling.handle_once

    async def timed_handle_once(envelope: Envelope, handlers, **kwargs) -> bool:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = await original(envelope, handlers, **kwargs)
        latencies.append(time.perf_counter() - started)
        return result

    async def handler(envelope: Envelope) -> None:
        event_id = str(envelope.event_id)
        if fail_once and event_id not in failed:
            failed.add(event_id)
            raise TransientError("first try fails")
        handled.add(event_id)
        if len(handled) == count:
            done.set()

    consumer_module.handle_once = timed_handle_once  # type: ignore[assignment]
    consumer = EventConsumer(
        {EventType.SEND_DM: handler},
        url=rabbitmq_url,
        prefetch=concurrency,
        policy=RetryPolicy(delays=(1.0, 5.0, 30.0, 120.0, 300.0)),
    )
    publisher = SyncPublisher(rabbitmq_url)
    try:
        await consumer.start()
        started = time.perf_counter()
        await asyncio.to_thread(publisher.publish_many, envelopes)
        await asyncio.wait_for(done.wait(), timeout=600)
        elapsed = time.perf_counter() - started
    finally:
        publisher.close()
        await consumer.stop()
        consumer_module.handle_once = original
        await database.dispose_engines()
    label = "one transient failure each" if fail_once else "no failures"
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    print(f"{label}: {count} events in {elapsed:.2f} s")
    if not fail_once:
        print(f"consumer events/s: {count / elapsed:.0f}")
        print(f"consumer handling p50: {p50:.1f} ms")
        print(f"consumer handling p99: {p99:.1f} ms")


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with own_database(DEFAULT_DATABASE_URL) as db_url, own_vhost(DEFAULT_RABBITMQ_URL) as mq_url:
        os.environ["DATABASE_URL"] = db_url
        get_settings.cache_clear()
        for fail_once in (False, True):
            asyncio.run(run(mq_url, args.count, args.concurrency, fail_once))


if __name__ == "__main__":
    main()

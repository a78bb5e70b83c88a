"""A real Celery worker on the session's RabbitMQ vhost and PostgreSQL, and a tap on the events."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.worker import WorkController

from game_scheduler import database
from game_scheduler.config import Settings
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.sync_publisher import reset_sync_publisher
from game_scheduler.scheduler.celery_app import app, configure_app
from game_scheduler.scheduler.tasks import (  # noqa: F401  (registers every task on the app)
    check_notifications,
    relay_outbox,
    send_notification,
    update_game_status,
)
from tests.support.amqp import Tap


def use_broker(url: str, configure: Callable[..., Settings]) -> Celery:
    """Point Celery and the events publisher at ``url``; drop what earlier tests left queued."""
    reset_sync_publisher()
    configure_app(app, configure(rabbitmq_url=url), broker_heartbeat=0)
    with app.connection_for_write() as connection:
        app.amqp.TaskConsumer(connection).purge()
    return app


@pytest.fixture
def celery_app(
    pg_db_url: str, rabbitmq_url: str, configure: Callable[..., Settings]
) -> Iterator[Celery]:
    """The scheduler app on this session's vhost, its queue empty."""
    yield use_broker(rabbitmq_url, configure)
    reset_sync_publisher()
    app.close()
    database.dispose_sync_engine()


@contextmanager
def running_worker(celery: Celery, name: str = "w1") -> Iterator[WorkController]:
    """A worker (solo pool, in a thread) consuming the scheduler queue."""
    with start_worker(
        celery,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        shutdown_timeout=30,
        loglevel="WARNING",
        hostname=f"{name}@test",
    ) as worker:
        yield worker


@pytest.fixture
def worker(celery_app: Celery) -> Iterator[WorkController]:
    """One running worker."""
    with running_worker(celery_app) as w:
        yield w


def collect(
    tap: Tap, expected: int, timeout: float = 30.0, quiet: float = 1.0
) -> list[tuple[float, Envelope]]:
    """Read until ``expected`` messages arrived (or timeout), then ``quiet`` s more for extras.

    Each message with the wall-clock time it was read.
    """
    found: list[tuple[float, Envelope]] = []
    deadline = time.monotonic() + timeout
    settle_until: float | None = None
    while True:
        batch = tap.drain()
        now = time.time()
        found += [(now, Envelope.from_bytes(m.body)) for m in batch]
        if settle_until is None and len(found) >= expected:
            settle_until = time.monotonic() + quiet
        if time.monotonic() > (settle_until or deadline):
            return found
        if not batch:
            time.sleep(0.02)


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0, step: float = 0.05) -> None:
    """Poll until ``predicate()`` holds; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {predicate.__name__}")
        time.sleep(step)

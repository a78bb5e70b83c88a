"""The worker's /metrics and /healthz: task timings, reminder outcomes, heartbeats, relay runs."""

import time
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from game_scheduler.database import get_sync_db_session
from game_scheduler.models import ProcessHeartbeat, utcnow
from game_scheduler.scheduler import instrumentation
from game_scheduler.scheduler.celery_app import RELAY_OUTBOX, SEND_NOTIFICATION
from game_scheduler.scheduler.tasks.relay_outbox import relay_outbox
from game_scheduler.scheduler.tasks.send_notification import send_game_notification
from tests.integration.scheduler.conftest import running_worker
from tests.support.metrics import Samples, scrape, value
from tests.support.seeding import seed_games

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]


def kinds_seen() -> set[str]:
    with get_sync_db_session() as session:
        return set(session.scalars(select(ProcessHeartbeat.kind)).all())


def scrape_until(url: str, done: Callable[[Samples], bool], within: float = 60.0) -> Samples:
    """Scrape until ``done`` holds (the worker records a task after it finished)."""
    deadline = time.monotonic() + within
    while True:
        samples = scrape(url)
        if done(samples):
            return samples
        assert time.monotonic() < deadline, f"metrics did not show it within {within} s"
        time.sleep(0.1)


def test_worker_serves_task_metrics_health_and_records_heartbeats(celery_app, configure):
    configure(worker_metrics_port="0")
    with get_sync_db_session() as session:
        # Its 15-minute reminder was due five seconds ago.
        [game] = seed_games(
            session, [utcnow() + timedelta(minutes=15, seconds=-5)], offsets=(15,), players=1
        )
    with running_worker(celery_app):
        port = instrumentation.metrics_port()
        assert port is not None
        base = f"http://127.0.0.1:{port}"
        before = scrape(base + "/metrics")
        sent_before = value(before, "reminders_total", outcome="sent")

        send_game_notification.delay(list(game.reminder_ids.values()))
        relay_outbox.delay()

        after = scrape_until(
            base + "/metrics",
            lambda s: (
                value(s, "reminders_total", outcome="sent") > sent_before
                and value(s, "celery_task_seconds_count", task=RELAY_OUTBOX, state="SUCCESS") >= 1
            ),
        )
        assert value(after, "reminders_total", outcome="sent") == sent_before + 1
        send = {"task": SEND_NOTIFICATION, "state": "SUCCESS"}
        assert value(after, "celery_task_seconds_count", **send) >= 1
        assert value(after, "outbox_backlog") == 0  # the send published its DMs at once
        assert value(after, "dead_letter_messages") >= 0
        assert value(after, "monitoring_source_up", source="database") == 1

        health = httpx.get(base + "/healthz", timeout=30)
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": True, "broker": True}
        assert {"worker", "relay"} <= kinds_seen()
    assert instrumentation.metrics_port() is None  # stopped with the worker

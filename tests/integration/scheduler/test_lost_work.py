"""Nothing is lost: a worker killed mid-send, RabbitMQ or PostgreSQL unreachable mid-send, a
scheduler that was down while reminders came due."""

import os
import signal
import threading
import time
from collections import defaultdict
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.signals import task_retry
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from game_scheduler import database
from game_scheduler.database import get_sync_db_session
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.messaging.events import DmKind, EventType
from game_scheduler.messaging.relay import relay_outbox
from game_scheduler.messaging.sync_publisher import SyncPublisher
from game_scheduler.models import OutboxEvent, Reminder, utcnow
from game_scheduler.scheduler.tasks.check_notifications import check_upcoming_notifications
from game_scheduler.scheduler.tasks.send_notification import send_game_notification
from tests.integration.scheduler.conftest import collect, running_worker, use_broker, wait_for
from tests.support.amqp import tap
from tests.support.scheduler_processes import children, scheduler_process, worker_process
from tests.support.seeding import seed_games
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

COUNT = 300


def seed_overdue(count=COUNT):
    with get_sync_db_session() as session:
        return seed_games(session, [utcnow() + timedelta(minutes=15, seconds=-1)] * count)


def sent_count():
    with get_sync_db_session() as session:
        return session.scalar(select(func.count()).where(Reminder.status == ReminderStatus.SENT))


def relay_everything(url):
    """What the relay task on beat does, until the outbox is empty."""
    publisher = SyncPublisher(url)
    try:
        with get_sync_db_session() as session:
            relay_outbox(session, publisher, min_age_seconds=0)
            return session.scalar(select(func.count()).where(OutboxEvent.published_at.is_(None)))
    finally:
        publisher.close()


def assert_each_delivered_once(seeded, received):
    """After removing redeliveries (same event id), one event per recipient per reminder."""
    by_id = {e.event_id: e for _, e in received}
    ids_per_target = defaultdict(set)
    for event_id, envelope in by_id.items():
        payload = envelope.payload()
        ids_per_target[(payload.reminder_id, int(payload.recipient_discord_id))].add(event_id)
    expected = {(g.reminder_ids[15], d) for g in seeded for d in g.recipients()}
    assert set(ids_per_target) == expected
    assert all(len(ids) == 1 for ids in ids_per_target.values())


def test_worker_process_killed_mid_send_loses_nothing(celery_app, rabbitmq_url, tmp_path):
    seeded = seed_overdue()
    with tap(rabbitmq_url, "notification.send_dm") as t:
        with worker_process(tmp_path / "worker.log", "victim", pool="prefork") as worker:
            [child] = children(worker.pid)
            check_upcoming_notifications.delay()
            wait_for(lambda: sent_count() > 0, timeout=60, step=0.005)
            os.kill(child, signal.SIGKILL)
            sent_at_kill = sent_count()
            wait_for(lambda: sent_count() == COUNT, timeout=90)
        assert 0 < sent_at_kill < COUNT
        assert relay_everything(rabbitmq_url) == 0
        received = collect(t, expected=COUNT * 4, timeout=60, quiet=2)
    assert "WorkerLostError" in (tmp_path / "worker.log").read_text()
    assert_each_delivered_once(seeded, received)


def test_rabbitmq_unreachable_mid_send_loses_nothing(
    celery_app, rabbitmq_url, configure, monkeypatch
):
    seeded = seed_overdue()
    parts = urlsplit(rabbitmq_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    through_proxy = urlunsplit(parts._replace(netloc=f"guest:guest@127.0.0.1:{proxy.port}"))
    app = use_broker(through_proxy, configure)
    # Cut right after the first batch reached the broker: mid-send on a machine of any speed
    # (polling for "some sent" raced the worker, which may finish every batch in between).
    first_batch_out = threading.Event()
    publish_many = SyncPublisher.publish_many

    def publish_then_cut(publisher, envelopes):
        publish_many(publisher, envelopes)
        if not first_batch_out.is_set():
            proxy.cut()
            first_batch_out.set()

    monkeypatch.setattr(SyncPublisher, "publish_many", publish_then_cut)
    try:
        with tap(rabbitmq_url, "notification.send_dm") as t:
            with running_worker(app):
                check_upcoming_notifications.delay()
                assert first_batch_out.wait(60), "no batch was published"
                sent_at_cut = sent_count()
                time.sleep(3)
                proxy.restore()
                wait_for(lambda: sent_count() == COUNT, timeout=120)
            assert 0 < sent_at_cut < COUNT
            assert relay_everything(rabbitmq_url) == 0
            received = collect(t, expected=COUNT * 4, timeout=60, quiet=2)
    finally:
        proxy.close()
    assert_each_delivered_once(seeded, received)


def test_database_unreachable_mid_send_is_retried_with_backoff(
    celery_app, pg_db_url, rabbitmq_url, configure
):
    seeded = seed_overdue(5)
    url = make_url(pg_db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    database.dispose_sync_engine()
    configure(database_url=url.set(port=proxy.port).render_as_string(hide_password=False))
    retries = []

    def count_retry(**_):
        retries.append(time.monotonic())

    task_retry.connect(count_retry, weak=False)
    try:
        with tap(rabbitmq_url, "notification.send_dm") as t, running_worker(celery_app):
            proxy.cut()
            send_game_notification.delay([g.reminder_ids[15] for g in seeded])
            wait_for(lambda: len(retries) >= 2, timeout=30)  # backoff: ~1 s, then ~2 s
            proxy.restore()
            received = collect(t, expected=5 * 4, timeout=60, quiet=1)
    finally:
        task_retry.disconnect(count_retry)
        database.dispose_sync_engine()
        proxy.close()
    assert_each_delivered_once(seeded, received)
    assert len(received) == 5 * 4


def test_scheduler_down_across_due_times_sends_late_or_skips(celery_app, rabbitmq_url, tmp_path):
    now = utcnow()
    with get_sync_db_session() as session:
        # Due 10 minutes ago, the game not started yet; due 16 minutes ago, started 1 minute ago.
        not_started, started = seed_games(
            session, [now + timedelta(minutes=5), now - timedelta(minutes=1)]
        )
    beat = scheduler_process(
        "beat",
        tmp_path / "beat.log",
        "--loglevel=INFO",
        "-s",
        str(tmp_path / "schedule"),
        ready="beat: Starting",
    )
    # The scheduler comes back: beat catches up at once, without waiting an interval.
    with tap(rabbitmq_url, "notification.send_dm") as t, running_worker(celery_app), beat:
        received = collect(t, expected=len(not_started.recipients()), timeout=30, quiet=2)
    dms = [e.payload() for _, e in received if e.event_type is EventType.SEND_DM]
    assert {(p.reminder_id, p.kind) for p in dms} == {
        (not_started.reminder_ids[15], DmKind.REMINDER)
    }
    assert {int(p.recipient_discord_id) for p in dms} == not_started.recipients()
    with get_sync_db_session() as session:
        skipped = session.get(Reminder, started.reminder_ids[15])
    assert skipped.status is ReminderStatus.SKIPPED
    assert "before the reminder was sent" in (skipped.last_error or "")

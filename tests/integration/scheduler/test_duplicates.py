"""Duplicated work (overlapping checks, two workers, two status runs) never doubles an event."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from game_scheduler.database import get_sync_db_session
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.domain.status import GameStatus
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.outbox import commit_and_publish_sync
from game_scheduler.messaging.sync_publisher import SyncPublisher
from game_scheduler.models import Game, Reminder, utcnow
from game_scheduler.scheduler.services.game_status import (
    advance_game_statuses,
    stage_status_changes,
)
from game_scheduler.scheduler.tasks.check_notifications import check_upcoming_notifications
from game_scheduler.scheduler.tasks.update_game_status import update_game_statuses
from tests.integration.scheduler.conftest import collect, running_worker
from tests.support.amqp import tap
from tests.support.scheduler_processes import worker_process
from tests.support.seeding import seed_games

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]


def test_two_workers_and_two_checks_send_each_reminder_once(celery_app, rabbitmq_url, tmp_path):
    now = utcnow()
    with get_sync_db_session() as session:
        seeded = seed_games(
            session,
            [now + timedelta(minutes=15, seconds=-1)] * 500,
            players=2,
            waitlisted=1,
        )
    expected = Counter({(g.reminder_ids[15], d): 1 for g in seeded for d in g.recipients()})
    with (
        tap(rabbitmq_url, "notification.send_dm") as t,
        running_worker(celery_app, "w1"),
        worker_process(tmp_path / "w2.log", "w2"),
    ):
        check_upcoming_notifications.delay()
        check_upcoming_notifications.delay()
        received = collect(t, expected=len(expected), timeout=120, quiet=3)
    got = Counter(
        (e.payload().reminder_id, int(e.payload().recipient_discord_id)) for _, e in received
    )
    assert got == expected
    with get_sync_db_session() as session:
        statuses = session.execute(
            select(Reminder.status, Reminder.attempts, func.count()).group_by(
                Reminder.status, Reminder.attempts
            )
        ).all()
    assert statuses == [(ReminderStatus.SENT, 1, 500)]


def seed_due_games(count: int):
    now = utcnow()
    with get_sync_db_session() as session:
        return seed_games(
            session,
            [now - timedelta(minutes=1)] * count + [now - timedelta(minutes=200)] * count,
            duration_minutes=120,
        )


def status_events(received):
    return Counter(
        (e.event_type, e.payload().game_id)
        for _, e in received
        if e.event_type in (EventType.GAME_STARTED, EventType.GAME_COMPLETED)
    )


def expected_events(seeded):
    half = len(seeded) // 2
    started = [(EventType.GAME_STARTED, g.game_id) for g in seeded]
    completed = [(EventType.GAME_COMPLETED, g.game_id) for g in seeded[half:]]
    return Counter(started + completed)


def game_statuses():
    with get_sync_db_session() as session:
        return dict(session.execute(select(Game.status, func.count()).group_by(Game.status)).all())


def test_status_runs_on_two_workers_move_each_game_once(celery_app, rabbitmq_url, tmp_path):
    seeded = seed_due_games(100)
    with (
        tap(rabbitmq_url, "game.#") as t,
        running_worker(celery_app, "w1"),
        worker_process(tmp_path / "w2.log", "w2"),
    ):
        update_game_statuses.delay()
        update_game_statuses.delay()
        received = collect(t, expected=300, timeout=60, quiet=3)
    assert status_events(received) == expected_events(seeded)
    assert game_statuses() == {GameStatus.IN_PROGRESS: 100, GameStatus.COMPLETED: 100}


def test_a_status_run_waiting_on_another_finds_nothing_left(pg_db_url, rabbitmq_url):
    """Force the overlap: the second run starts while the first holds its row locks."""
    seeded = seed_due_games(20)
    publisher = SyncPublisher(rabbitmq_url)
    first_staged, second_started = threading.Event(), threading.Event()
    counts = {}

    def first():
        with get_sync_db_session() as session:
            counts["first"] = stage_status_changes(session, utcnow())
            first_staged.set()
            second_started.wait(10)
            time.sleep(0.5)  # the second run is now blocked on the game rows
            commit_and_publish_sync(session, publisher)

    def second():
        first_staged.wait(10)
        second_started.set()
        with get_sync_db_session() as session:
            counts["second"] = advance_game_statuses(session, utcnow(), publisher)

    with tap(rabbitmq_url, "game.#") as t:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        received = collect(t, expected=60, timeout=30, quiet=1)
    publisher.close()
    assert (counts["first"].started, counts["first"].completed) == (40, 20)
    assert (counts["second"].started, counts["second"].completed) == (0, 0)
    assert status_events(received) == expected_events(seeded)

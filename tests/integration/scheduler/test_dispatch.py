"""The dispatch: each reminder handed to the send task once per due time, however it moved."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from celery.signals import after_task_publish
from sqlalchemy import update

from game_scheduler.database import get_sync_db_session
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.models import Reminder, utcnow
from game_scheduler.scheduler.celery_app import SEND_NOTIFICATION
from game_scheduler.scheduler.services.due_reminders import (
    claim_reminders_to_enqueue,
    find_lost_reminders,
    release_claims,
)
from game_scheduler.scheduler.services.notification_service import (
    NotificationService,
    SendOutcome,
)
from game_scheduler.scheduler.tasks.check_notifications import (
    check_upcoming_notifications,
    dispatch_due_reminders,
)
from tests.integration.scheduler.conftest import collect, wait_for
from tests.support.amqp import tap
from tests.support.seeding import seed_games

LOOKAHEAD = timedelta(minutes=2)


def claim(now=None):
    with get_sync_db_session() as session:
        return [i for i, _ in claim_reminders_to_enqueue(session, now or utcnow(), LOOKAHEAD)]


def move_reminder(reminder_id, by):
    """What a reschedule does: the game and its reminder move together."""
    with get_sync_db_session() as session:
        reminder = session.get(Reminder, reminder_id)
        reminder.due_at += by
        reminder.game.scheduled_at += by
        session.commit()


def test_a_reminder_is_claimed_once_per_due_time(db_url):
    now = utcnow()
    with get_sync_db_session() as session:
        soon, overdue, later = seed_games(
            session,
            [now + timedelta(minutes=16), now + timedelta(minutes=14), now + timedelta(minutes=30)],
        )
    soon_id, overdue_id, later_id = (g.reminder_ids[15] for g in (soon, overdue, later))
    # Soonest first: the overdue one, then the one due in a minute; not the one in 15.
    assert claim(now) == [overdue_id, soon_id]
    assert claim(now) == []
    move_reminder(soon_id, timedelta(seconds=-30))  # moved earlier: claimable again
    move_reminder(later_id, timedelta(minutes=-15))  # moved into the lookahead
    assert sorted(claim(now)) == sorted([soon_id, later_id])
    assert claim(now) == []
    with get_sync_db_session() as session:
        release_claims(session, [later_id])
    assert claim(now) == [later_id]


def test_lost_reminders_are_the_enqueued_ones_long_overdue(db_url):
    now = utcnow()
    with get_sync_db_session() as session:
        never, lost, recent = seed_games(
            session,
            [
                now + timedelta(minutes=10),
                now + timedelta(minutes=10),
                now + timedelta(minutes=15, seconds=-10),
            ],
        )
    claim(now)
    with get_sync_db_session() as session:
        # "never" was never enqueued for its current time: the dispatch's job, not the net's.
        session.execute(
            update(Reminder).where(Reminder.id == never.reminder_ids[15]).values(enqueued_for=None)
        )
        session.commit()
        found = find_lost_reminders(session, now, timedelta(seconds=60))
    assert [i for i, _ in found] == [lost.reminder_ids[15]]
    assert recent.reminder_ids[15] not in [i for i, _ in found]


class Accepting:
    def publish_many(self, envelopes):
        pass


def test_a_sent_reminder_armed_again_for_the_same_time_is_dispatched_again(db_url):
    now = utcnow()
    with get_sync_db_session() as session:
        [game] = seed_games(session, [now + timedelta(minutes=15, seconds=-1)])
    reminder_id = game.reminder_ids[15]
    assert claim(now) == [reminder_id]
    with get_sync_db_session() as session:
        result = NotificationService(Accepting()).send_reminder(session, reminder_id, now)
        assert result.outcome is SendOutcome.SENT
        # What a writer does when it arms the reminder again (e.g. offsets set back).
        session.get(Reminder, reminder_id).status = ReminderStatus.PENDING
        session.commit()
    assert claim(now) == [reminder_id]


@pytest.mark.postgres_only
def test_two_dispatchers_at_once_claim_disjoint_sets(pg_db_url):
    now = utcnow()
    with get_sync_db_session() as session:
        seeded = seed_games(session, [now + timedelta(minutes=15, seconds=30)] * 300, players=0)
    start = threading.Barrier(4)
    claimed: list[list[int]] = []

    def run() -> None:
        start.wait()
        for _ in range(3):
            claimed.append(claim(now))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(i for ids in claimed for i in ids)
    assert set(counts) == {g.reminder_ids[15] for g in seeded}
    assert max(counts.values()) == 1


@pytest.mark.slow
@pytest.mark.postgres_only
def test_each_reminder_is_enqueued_once_however_often_dispatch_and_check_run(worker, rabbitmq_url):
    now = utcnow()
    with get_sync_db_session() as session:
        seeded = seed_games(
            session,
            [now + timedelta(minutes=15, seconds=s) for s in (-5, 3, 3, 4)],
            players=1,
            waitlisted=0,
        )
    moved = seeded[3].reminder_ids[15]
    enqueued: list[int] = []

    def count(sender=None, body=None, **_):
        if sender == SEND_NOTIFICATION:
            enqueued.extend(body[0][0])

    after_task_publish.connect(count, weak=False)
    try:
        with tap(rabbitmq_url, "notification.send_dm") as t:
            for _ in range(3):
                dispatch_due_reminders.delay()
            check_upcoming_notifications.delay()
            # Moved 2 s later once enqueued: enqueued again for the new time, once.
            wait_for(lambda: moved in enqueued, timeout=20)
            move_reminder(moved, timedelta(seconds=2))
            for _ in range(3):
                dispatch_due_reminders.delay()
                check_upcoming_notifications.delay()
            received = collect(t, expected=4 * 2, timeout=30, quiet=3)
    finally:
        after_task_publish.disconnect(count)
    per_reminder = Counter(enqueued)
    assert per_reminder == Counter(
        {g.reminder_ids[15]: 2 if g.reminder_ids[15] == moved else 1 for g in seeded}
    )
    dms = Counter((e.payload().reminder_id, e.payload().recipient_discord_id) for _, e in received)
    assert len(dms) == 8
    assert max(dms.values()) == 1

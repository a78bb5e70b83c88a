"""The send decision on the database: who gets a reminder, and when it is not sent at all."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from game_scheduler.database import get_sync_db_session
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.domain.status import GameStatus
from game_scheduler.messaging.events import DmKind, EventType, SendDm
from game_scheduler.messaging.outbox import take_staged
from game_scheduler.models import Game, OutboxEvent, Reminder, utcnow
from game_scheduler.scheduler.services.due_reminders import find_due_reminders
from game_scheduler.scheduler.services.notification_service import (
    NotificationService,
    SendOutcome,
)
from tests.support.seeding import seed_games

START_IN = timedelta(minutes=30)


def seed(**options):
    with get_sync_db_session() as session:
        [game] = seed_games(session, [utcnow() + START_IN], **options)
    return game


def stage(reminder_id, now):
    """Run the decision and commit it; the staged envelopes (nothing is published here)."""
    with get_sync_db_session() as session:
        result = NotificationService().stage_reminders(session, [reminder_id], now)[reminder_id]
        envelopes = take_staged(session)
        session.commit()
    return result, envelopes


def reminder(reminder_id):
    with get_sync_db_session() as session:
        return session.get(Reminder, reminder_id)


def test_due_reminder_goes_to_host_and_confirmed_players_only(db_url):
    game = seed(players=3, waitlisted=2, offsets=(15,))
    rid = game.reminder_ids[15]
    now = game.scheduled_at - timedelta(minutes=15)

    result, envelopes = stage(rid, now)

    assert (result.outcome, result.events) == (SendOutcome.SENT, 4)
    payloads = [e.payload() for e in envelopes]
    assert all(isinstance(p, SendDm) for p in payloads)
    assert {int(p.recipient_discord_id) for p in payloads} == game.recipients()
    assert not {int(p.recipient_discord_id) for p in payloads} & set(game.waitlisted)
    assert {(p.kind, p.offset_minutes, p.reminder_id, p.game_id) for p in payloads} == {
        (DmKind.REMINDER, 15, rid, game.game_id)
    }
    assert {e.event_type for e in envelopes} == {EventType.SEND_DM}
    row = reminder(rid)
    assert (row.status, row.sent_at, row.attempts) == (ReminderStatus.SENT, now, 1)
    with get_sync_db_session() as session:
        outbox = session.scalars(select(OutboxEvent.event_id)).all()
    assert sorted(outbox) == sorted(str(e.event_id) for e in envelopes)


def test_host_who_also_plays_gets_one_reminder(db_url):
    game = seed(players=3, waitlisted=0, host_plays=True)
    result, envelopes = stage(game.reminder_ids[15], game.scheduled_at - timedelta(minutes=10))
    recipients = [e.payload().recipient_discord_id for e in envelopes]
    assert result.events == len(recipients) == 3
    assert sorted(recipients) == sorted(str(d) for d in game.confirmed)


def test_a_sent_reminder_is_not_sent_again(db_url):
    game = seed()
    now = game.scheduled_at - timedelta(minutes=15)
    stage(game.reminder_ids[15], now)
    result, envelopes = stage(game.reminder_ids[15], now + timedelta(seconds=5))
    assert (result.outcome, envelopes) == (SendOutcome.NOT_PENDING, [])
    assert reminder(game.reminder_ids[15]).attempts == 1


def test_not_yet_due_is_not_sent_early(db_url):
    game = seed()
    due = game.scheduled_at - timedelta(minutes=15)
    result, envelopes = stage(game.reminder_ids[15], due - timedelta(seconds=1))
    assert (result.outcome, result.due_at, envelopes) == (SendOutcome.NOT_DUE, due, [])
    assert reminder(game.reminder_ids[15]).status is ReminderStatus.PENDING


def test_rescheduled_or_cancelled_game_sends_nothing(db_url):
    moved, cancelled = seed(), seed()
    with get_sync_db_session() as session:
        session.execute(
            update(Game)
            .where(Game.id == moved.game_id)
            .values(scheduled_at=moved.scheduled_at + timedelta(hours=1))
        )
        session.execute(
            update(Game).where(Game.id == cancelled.game_id).values(status=GameStatus.CANCELLED)
        )
        session.commit()
    for game in (moved, cancelled):
        result, envelopes = stage(game.reminder_ids[15], game.scheduled_at)
        assert (result.outcome, envelopes) == (SendOutcome.STALE, [])
        assert reminder(game.reminder_ids[15]).status is ReminderStatus.PENDING


@pytest.mark.parametrize("started_by", ["clock", "status"])
def test_reminder_due_after_the_start_is_skipped_and_recorded(db_url, started_by):
    game = seed()
    now = game.scheduled_at + timedelta(minutes=1)
    if started_by == "status":
        now = game.scheduled_at - timedelta(minutes=1)
        with get_sync_db_session() as session:
            session.execute(
                update(Game).where(Game.id == game.game_id).values(status=GameStatus.IN_PROGRESS)
            )
            session.commit()
    result, envelopes = stage(game.reminder_ids[15], now)
    assert (result.outcome, envelopes) == (SendOutcome.SKIPPED, [])
    row = reminder(game.reminder_ids[15])
    assert row.status is ReminderStatus.SKIPPED
    assert "before the reminder was sent" in (row.last_error or "")
    assert row.sent_at is None


@pytest.mark.postgres_only
def test_a_reminder_locked_by_another_run_is_left_to_it(pg_db_url):
    game = seed()
    rid = game.reminder_ids[15]
    now = game.scheduled_at - timedelta(minutes=15)
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        with get_sync_db_session() as session:
            session.execute(select(Reminder).where(Reminder.id == rid).with_for_update())
            holding.set()
            release.wait(10)
            session.rollback()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert holding.wait(10)
    try:
        result, envelopes = stage(rid, now)
    finally:
        release.set()
        holder.join()
    assert (result.outcome, envelopes) == (SendOutcome.BUSY, [])
    assert stage(rid, now)[0].outcome is SendOutcome.SENT


def test_due_reminders_are_pending_ones_within_the_lookahead(db_url):
    now = utcnow()
    with get_sync_db_session() as session:
        games = seed_games(
            session,
            [now + timedelta(minutes=m) for m in (10, 16, 17, 30)],
            offsets=(15,),
        )
        sent = games[1].reminder_ids[15]
        session.execute(
            update(Reminder).where(Reminder.id == sent).values(status=ReminderStatus.SENT)
        )
        session.commit()
        due = find_due_reminders(session, now, timedelta(minutes=2))
    overdue, _, soon, later = (g.reminder_ids[15] for g in games)
    assert [rid for rid, _ in due] == [overdue, soon]
    assert due[1][1] == games[2].scheduled_at - timedelta(minutes=15)
    assert later not in dict(due)


def test_reminders_due_together_are_decided_one_by_one_in_one_transaction(db_url):
    now = utcnow()
    with get_sync_db_session() as session:
        due, started, future = seed_games(
            session,
            [now + timedelta(minutes=10), now - timedelta(minutes=1), now + timedelta(hours=2)],
            players=2,
            waitlisted=1,
        )
        sent_before = seed_games(session, [now + timedelta(minutes=10)])[0]
        session.execute(
            update(Reminder)
            .where(Reminder.id == sent_before.reminder_ids[15])
            .values(status=ReminderStatus.SENT)
        )
        session.commit()
    ids = [g.reminder_ids[15] for g in (due, started, future, sent_before)] + [999_999]
    with get_sync_db_session() as session:
        results = NotificationService().stage_reminders(session, ids, now)
        envelopes = take_staged(session)
        session.commit()
    assert {rid: r.outcome for rid, r in results.items()} == {
        ids[0]: SendOutcome.SENT,
        ids[1]: SendOutcome.SKIPPED,
        ids[2]: SendOutcome.NOT_DUE,
        ids[3]: SendOutcome.NOT_PENDING,
        999_999: SendOutcome.BUSY,
    }
    assert {int(e.payload().recipient_discord_id) for e in envelopes} == due.recipients()
    assert {e.payload().reminder_id for e in envelopes} == {ids[0]}

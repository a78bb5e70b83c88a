"""Games start and complete on their own, once each, with one event each."""

from datetime import timedelta

from sqlalchemy import select

from game_scheduler.database import get_sync_db_session
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.domain.status import GameStatus
from game_scheduler.messaging.events import EventType, GameRef
from game_scheduler.messaging.outbox import take_staged
from game_scheduler.models import Game, Reminder, utcnow
from game_scheduler.scheduler.services.game_status import StatusCounts, stage_status_changes
from tests.support.factories import CHANNEL_ID, GUILD_ID
from tests.support.seeding import seed_games


def run(now):
    with get_sync_db_session() as session:
        counts = stage_status_changes(session, now)
        envelopes = take_staged(session)
        session.commit()
    # The attendance prompts completion stages have their own tests (test_attendance_prompts).
    return counts, [
        (e.event_type, e.payload()) for e in envelopes if e.event_type is not EventType.SEND_DM
    ]


def games():
    with get_sync_db_session() as session:
        return {g.id: (g.status, g.version) for g in session.scalars(select(Game))}


def test_games_start_then_complete_once_each(db_url):
    now = utcnow()
    with get_sync_db_session() as session:
        future, started, over = seed_games(
            session,
            [now + timedelta(hours=5), now - timedelta(minutes=1), now - timedelta(minutes=121)],
            duration_minutes=120,
        )

    counts, events = run(now)

    assert counts == StatusCounts(started=2, completed=1, reminders_skipped=2)
    assert games() == {
        future.game_id: (GameStatus.SCHEDULED, 1),
        started.game_id: (GameStatus.IN_PROGRESS, 2),
        over.game_id: (GameStatus.COMPLETED, 3),
    }
    ref = {
        g.game_id: GameRef(
            game_id=g.game_id, guild_discord_id=str(GUILD_ID), channel_discord_id=str(CHANNEL_ID)
        )
        for g in (started, over)
    }
    # Per game, started comes before completed.
    assert [e for e in events if e[1] == ref[over.game_id]] == [
        (EventType.GAME_STARTED, ref[over.game_id]),
        (EventType.GAME_COMPLETED, ref[over.game_id]),
    ]
    assert [e for e in events if e[1] == ref[started.game_id]] == [
        (EventType.GAME_STARTED, ref[started.game_id])
    ]
    assert len(events) == 3
    assert run(now) == (StatusCounts(), [])
    assert run(started.scheduled_at + timedelta(minutes=120)) == (
        StatusCounts(completed=1),
        [(EventType.GAME_COMPLETED, ref[started.game_id])],
    )


def test_pending_reminders_of_a_started_game_are_skipped(db_url):
    now = utcnow()
    with get_sync_db_session() as session:
        started, upcoming = seed_games(
            session, [now - timedelta(seconds=1), now + timedelta(minutes=30)], offsets=(60, 15)
        )
    run(now)
    with get_sync_db_session() as session:
        rows = {r.id: r for r in session.scalars(select(Reminder))}
    for rid in started.reminder_ids.values():
        assert rows[rid].status is ReminderStatus.SKIPPED
        assert rows[rid].last_error == "game started before the reminder was sent"
    assert {rows[rid].status for rid in upcoming.reminder_ids.values()} == {ReminderStatus.PENDING}

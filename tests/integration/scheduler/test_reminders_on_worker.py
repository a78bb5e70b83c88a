"""Reminders through a real Celery worker and RabbitMQ: on time, to the right people, once."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.messaging.events import DmKind, EventType
from game_scheduler.models import Reminder, utcnow
from game_scheduler.scheduler.tasks.check_notifications import check_upcoming_notifications
from game_scheduler.services import games, signups
from tests.integration.scheduler.conftest import collect, wait_for
from tests.support.amqp import tap
from tests.support.factories import CHANNEL_ID, HOST_ID, member, player_id, seed_channel
from tests.support.members import seed_member

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

OFFSET = 1  # minute


async def post_game(due_in: timedelta, players: int = 2, waitlisted: int = 1):
    """A game whose one reminder comes due in ``due_in``; (game id, confirmed, waitlisted)."""
    await seed_channel()
    host = member(HOST_ID)
    draft = games.GameDraft(
        channel_discord_id=CHANNEL_ID,
        title="Catan night",
        scheduled_at=utcnow() + timedelta(minutes=OFFSET) + due_in,
        max_players=players,
        reminder_offsets=[OFFSET],
    )
    async with get_db_session() as session:
        game = await games.create_game(session, host, draft)
    people = [player_id() for _ in range(players + waitlisted)]
    await seed_member(*people)
    for discord_id in people:
        async with get_db_session() as session:
            await signups.add_player(session, host, game.id, discord_id)
    return game.id, people[:players], people[players:]


def reminder_row(game_id):
    with get_sync_db_session() as session:
        return session.scalars(select(Reminder).where(Reminder.game_id == game_id)).one()


def reminder_dms(received):
    """(arrival time, recipient) of each reminder DM among the received messages."""
    return [
        (at, int(e.payload().recipient_discord_id))
        for at, e in received
        if e.event_type is EventType.SEND_DM and e.payload().kind is DmKind.REMINDER
    ]


async def test_due_reminder_reaches_host_and_confirmed_players_once(worker, rabbitmq_url):
    game_id, confirmed, waitlisted = await post_game(timedelta(seconds=3))
    due = reminder_row(game_id).due_at
    with tap(rabbitmq_url, "notification.#") as t:
        check_upcoming_notifications.delay()
        dms = reminder_dms(collect(t, expected=3, timeout=20, quiet=2))
    assert sorted(r for _, r in dms) == sorted([HOST_ID, *confirmed])
    assert not {r for _, r in dms} & set(waitlisted)
    assert min(at for at, _ in dms) >= due.timestamp()
    assert reminder_row(game_id).status is ReminderStatus.SENT


async def test_reschedule_after_enqueue_fires_at_the_new_time_only(worker, rabbitmq_url):
    game_id, confirmed, _ = await post_game(timedelta(seconds=6), waitlisted=0)
    with tap(rabbitmq_url, "notification.#") as t:
        check_upcoming_notifications.delay()
        # Moved once its send task exists: a move racing the check would leave the row locked
        # and skipped, for the next dispatch (beat's, each second; none runs here) to enqueue.
        wait_for(lambda: reminder_row(game_id).enqueued_for is not None, timeout=60)
        old_due = reminder_row(game_id).due_at
        async with get_db_session() as session:
            game = await games.update_game(
                session,
                member(HOST_ID),
                game_id,
                games.GameChanges(scheduled_at=old_due + timedelta(minutes=OFFSET, seconds=6)),
            )
        new_due = reminder_row(game_id).due_at
        assert new_due == old_due + timedelta(seconds=6) == game.scheduled_at - timedelta(minutes=1)
        dms = reminder_dms(collect(t, expected=3, timeout=25, quiet=2))
    assert sorted(r for _, r in dms) == sorted([HOST_ID, *confirmed])
    assert min(at for at, _ in dms) >= new_due.timestamp()


async def test_cancelled_game_sends_no_reminder(worker, rabbitmq_url):
    game_id, _, _ = await post_game(timedelta(seconds=3))
    with tap(rabbitmq_url, "notification.#") as t:
        check_upcoming_notifications.delay()
        due = reminder_row(game_id).due_at
        async with get_db_session() as session:
            await games.cancel_game(session, member(HOST_ID), game_id)
        quiet = (due - utcnow()).total_seconds() + 3
        dms = reminder_dms(collect(t, expected=0, quiet=quiet))
    assert dms == []
    assert reminder_row(game_id).status is ReminderStatus.CANCELLED

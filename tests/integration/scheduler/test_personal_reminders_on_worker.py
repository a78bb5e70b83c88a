"""Personal reminder offsets through a real worker: a user with [1440, 5] in a game with [60]
is reminded at 1440 and 5 only, everyone else at 60 only, each once; rows follow reschedules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.messaging.events import DmKind, EventType
from game_scheduler.models import Reminder, User, utcnow
from game_scheduler.scheduler.tasks.check_notifications import check_upcoming_notifications
from game_scheduler.services import games, signups
from game_scheduler.services.personal_reminders import save_preferences
from tests.integration.scheduler.conftest import collect
from tests.support.amqp import tap
from tests.support.factories import HOST_ID, create_game, member, player_id, seed_channel
from tests.support.members import seed_member

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

LEAD = timedelta(seconds=3)  # each step's reminder comes due this long after the move


def reminder_dms(received) -> list[tuple[int, int]]:
    """(recipient, offset) of each reminder DM received."""
    return sorted(
        (int(e.payload().recipient_discord_id), e.payload().offset_minutes)
        for _, e in received
        if e.event_type is EventType.SEND_DM and e.payload().kind is DmKind.REMINDER
    )


def rows(game_id: int) -> dict[tuple[int | None, int], ReminderStatus]:
    with get_sync_db_session() as session:
        found = session.execute(
            select(User.discord_id, Reminder.offset_minutes, Reminder.status)
            .outerjoin(User, User.id == Reminder.audience_user_id)
            .where(Reminder.game_id == game_id)
        ).all()
    return {(who, offset): status for who, offset, status in found}


async def move_to(game_id: int, offset: int) -> None:
    """Reschedule so that the reminder ``offset`` minutes before comes due in LEAD."""
    async with get_db_session() as session:
        await games.update_game(
            session,
            member(HOST_ID),
            game_id,
            games.GameChanges(scheduled_at=utcnow() + timedelta(minutes=offset) + LEAD),
        )


async def test_personal_offsets_replace_the_games_for_that_user_only(worker, rabbitmq_url):
    await seed_channel()
    game = await create_game(minutes_ahead=3 * 24 * 60, max_players=4, reminder_offsets=[60])
    own, other = player_id(), player_id()
    await seed_member(own, other)
    async with get_db_session() as session:
        await save_preferences(session, own, "own", offsets=[1440, 5])
    for discord_id in (own, other):
        async with get_db_session() as session:
            await signups.join_game(session, member(discord_id), game.id)
    assert rows(game.id) == {
        (None, 60): ReminderStatus.PENDING,
        (own, 1440): ReminderStatus.PENDING,
        (own, 5): ReminderStatus.PENDING,
    }

    received = []
    with tap(rabbitmq_url, "notification.#") as t:
        for offset, expected in ((1440, 1), (60, 2), (5, 1)):
            await move_to(game.id, offset)
            check_upcoming_notifications.delay()
            received += collect(t, expected=expected, timeout=25, quiet=2)

    assert reminder_dms(received) == sorted([(own, 1440), (HOST_ID, 60), (other, 60), (own, 5)])


async def test_personal_rows_come_with_a_seat_go_with_it_and_follow_a_change_of_offsets(
    celery_app,
):
    await seed_channel()
    game = await create_game(minutes_ahead=3 * 24 * 60, max_players=4, reminder_offsets=[60])
    own = player_id()
    await seed_member(own)
    async with get_db_session() as session:
        await save_preferences(session, own, "own", offsets=[30])
    async with get_db_session() as session:
        await signups.join_game(session, member(own), game.id)
    assert rows(game.id)[(own, 30)] is ReminderStatus.PENDING

    async with get_db_session() as session:
        await save_preferences(session, own, "own", offsets=[120])
    after_change = rows(game.id)
    assert after_change[(own, 30)] is ReminderStatus.CANCELLED
    assert after_change[(own, 120)] is ReminderStatus.PENDING

    async with get_db_session() as session:
        await signups.leave_game(session, member(own), game.id)
    assert rows(game.id)[(own, 120)] is ReminderStatus.CANCELLED
    assert rows(game.id)[(None, 60)] is ReminderStatus.PENDING

"""Quorum deadlines and nudges through a real Celery worker and RabbitMQ: each outcome once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.domain.quorum import QuorumState, Step
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.messaging.events import DmKind, EventType
from game_scheduler.models import Game, GameStatus, Reminder, utcnow
from game_scheduler.scheduler.services.quorum_checks import check_quorums
from game_scheduler.scheduler.tasks.check_quorums import check_quorums as check_task
from game_scheduler.services import signups
from tests.integration.scheduler.conftest import collect
from tests.support.amqp import tap
from tests.support.factories import HOST_ID, create_game, member, player_id, seed_channel
from tests.support.members import seed_member

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]


async def short_game(players: int, *, min_players: int = 3, deadline: int, **guild: object):
    """A game starting in 3 h with ``players`` signed up and the quorum deadline given (min)."""
    await seed_channel(**guild)
    game = await create_game(minutes_ahead=180, max_players=4, min_players=min_players)
    people = [player_id() for _ in range(players)]
    await seed_member(*people)
    for discord_id in people:
        async with get_db_session() as session:
            await signups.add_player(session, member(HOST_ID), game.id, discord_id)
    with get_sync_db_session() as session:  # posted a day ago, with this deadline
        session.execute(
            update(Game)
            .where(Game.id == game.id)
            .values(quorum_deadline_minutes=deadline, created_at=utcnow() - timedelta(days=1))
        )
        session.commit()
    return game.id, people


def game_row(game_id: int) -> Game:
    with get_sync_db_session() as session:
        return session.scalars(select(Game).where(Game.id == game_id)).one()


def dms(received, kind: DmKind) -> list[int]:
    return sorted(
        int(e.payload().recipient_discord_id)
        for _, e in received
        if e.event_type is EventType.SEND_DM and e.payload().kind is kind
    )


def types(received) -> list[EventType]:
    return [e.event_type for _, e in received]


async def test_quorum_met_at_the_deadline_marks_the_game_on_and_tells_the_players(
    worker, rabbitmq_url
):
    game_id, people = await short_game(3, deadline=190)  # the deadline passed 10 min ago
    with tap(rabbitmq_url) as t:
        check_task.delay()
        received = collect(t, expected=5, timeout=20)
    assert dms(received, DmKind.QUORUM_ON) == sorted([HOST_ID, *people])
    assert types(received).count(EventType.QUORUM_MET) == 1
    game = game_row(game_id)
    assert game.quorum_state == QuorumState.ON
    assert game.status is GameStatus.SCHEDULED


async def test_short_at_the_deadline_with_cancel_cancels_with_the_reason(worker, rabbitmq_url):
    game_id, people = await short_game(2, deadline=190, quorum_action="cancel")
    with tap(rabbitmq_url) as t:
        check_task.delay()
        received = collect(t, expected=4, timeout=20)
    assert dms(received, DmKind.QUORUM_CANCELLED) == sorted([HOST_ID, *people])
    [cancelled] = [e for _, e in received if e.event_type is EventType.GAME_CANCELLED]
    assert cancelled.payload().game_id == game_id
    first = next(e.payload() for _, e in received if e.event_type is EventType.SEND_DM)
    assert (first.confirmed_count, first.min_players) == (2, 3)
    game = game_row(game_id)
    assert (game.status, game.quorum_state) == (GameStatus.CANCELLED, QuorumState.CANCELLED)
    with get_sync_db_session() as session:
        statuses = set(session.scalars(select(Reminder.status).where(Reminder.game_id == game_id)))
    assert statuses == {ReminderStatus.CANCELLED}


async def test_short_at_the_deadline_with_ask_host_asks_the_host_only(worker, rabbitmq_url):
    game_id, _ = await short_game(1, deadline=190, quorum_action="ask_host")
    with tap(rabbitmq_url) as t:
        check_task.delay()
        received = collect(t, expected=2, timeout=20)
    assert dms(received, DmKind.QUORUM_ASK_HOST) == [HOST_ID]
    assert [k for k in types(received) if k is not EventType.SEND_DM] == [EventType.QUORUM_MISSED]
    game = game_row(game_id)
    assert (game.status, game.quorum_state) == (GameStatus.SCHEDULED, QuorumState.ASKED)


async def test_the_nudge_goes_out_once_however_often_the_check_runs(worker, rabbitmq_url):
    # The deadline is 2 h ahead, the nudge 6 h before it: due now. One in, three needed.
    game_id, _ = await short_game(1, deadline=60)
    with tap(rabbitmq_url) as t:
        for _ in range(3):
            check_task.delay()
        received = collect(t, expected=1, timeout=20, quiet=2)
    nudges = [e.payload() for _, e in received if e.event_type is EventType.QUORUM_NUDGED]
    assert len(nudges) == 1
    assert nudges[0].needed == 2
    game = game_row(game_id)
    assert game.quorum_nudged_at is not None
    assert game.quorum_state is None  # the deadline itself is still ahead


async def test_two_concurrent_checks_act_on_a_deadline_once(celery_app, rabbitmq_url):
    game_id, people = await short_game(3, deadline=190)
    now = utcnow()
    barrier = threading.Barrier(2)
    results = []

    def run() -> None:
        barrier.wait()
        with get_sync_db_session() as session:
            results.append(check_quorums(session, now))

    with tap(rabbitmq_url) as t:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        received = collect(t, expected=5, timeout=20)
    assert dms(received, DmKind.QUORUM_ON) == sorted([HOST_ID, *people])
    assert sum(r.get(Step.MARK_ON, 0) for r in results) == 1
    assert game_row(game_id).quorum_state == QuorumState.ON

"""Reminders at their due time with the production beat and default intervals, however made.

A reminder that comes due before the next 60 s check, or that a reschedule moved earlier after
it was enqueued, used to wait for that check (30 to 60 s late); the 1 s dispatch sends it on time.
The bound (< 10 s) is far from that and from anything a loaded machine adds; the precise
lateness is measured in ``bench/scheduler.py``.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.messaging.events import DmKind, EventType
from game_scheduler.models import Reminder, utcnow
from game_scheduler.services import games
from tests.integration.scheduler.conftest import collect, wait_for
from tests.support.amqp import tap
from tests.support.factories import CHANNEL_ID, HOST_ID, member, seed_channel
from tests.support.scheduler_processes import scheduler_process

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

BOUND = 10.0  # seconds after the due time


def beat(tmp_path):
    """The real ``game-scheduler beat`` with default intervals; it checks once as it starts."""
    return scheduler_process(
        "beat",
        tmp_path / "beat.log",
        "--loglevel=INFO",
        "-s",
        str(tmp_path / "schedule"),
        ready="beat: Starting",
    )


async def post_game(starts_in: timedelta, offsets: list[int]) -> int:
    await seed_channel()
    draft = games.GameDraft(
        channel_discord_id=CHANNEL_ID,
        title="On time",
        scheduled_at=utcnow() + starts_in,
        max_players=4,
        reminder_offsets=offsets,
    )
    async with get_db_session() as session:
        return (await games.create_game(session, member(HOST_ID), draft)).id


def reminder(game_id: int, offset: int) -> Reminder:
    with get_sync_db_session() as session:
        return session.scalars(
            select(Reminder).where(Reminder.game_id == game_id, Reminder.offset_minutes == offset)
        ).one()


def arrivals(received, game_id: int, offset: int) -> list[float]:
    return [
        at
        for at, e in received
        if e.event_type is EventType.SEND_DM
        and e.payload().kind is DmKind.REMINDER
        and e.payload().game_id == game_id
        and e.payload().offset_minutes == offset
    ]


async def test_a_game_posted_just_after_a_check_is_reminded_on_time(worker, rabbitmq_url, tmp_path):
    with tap(rabbitmq_url, "notification.send_dm") as t, beat(tmp_path):
        await asyncio.sleep(2)  # beat's start-up check has run; the next one is ~58 s away
        game_id = await post_game(timedelta(minutes=1, seconds=20), [1])
        due = reminder(game_id, 1).due_at.timestamp()
        received = collect(t, expected=1, timeout=due - time.time() + 30, quiet=1)
    [arrived] = arrivals(received, game_id, 1)
    assert due <= arrived < due + BOUND, f"{arrived - due:.2f} s after due"


async def test_a_game_moved_45_minutes_earlier_after_enqueue_is_reminded_on_time(
    worker, rabbitmq_url, tmp_path
):
    with tap(rabbitmq_url, "notification.send_dm") as t, beat(tmp_path):
        game_id = await post_game(timedelta(minutes=60, seconds=25), [60, 15])
        early = reminder(game_id, 60)
        wait_for(lambda: reminder(game_id, 60).enqueued_for == early.due_at, timeout=20)
        async with get_db_session() as session:
            game = await games.update_game(
                session,
                member(HOST_ID),
                game_id,
                games.GameChanges(scheduled_at=early.due_at + timedelta(minutes=15)),
            )
        due = reminder(game_id, 15).due_at.timestamp()
        assert due == (game.scheduled_at - timedelta(minutes=15)).timestamp()
        received = collect(t, expected=2, timeout=due - time.time() + 30, quiet=1)
    [arrived] = arrivals(received, game_id, 15)
    assert due <= arrived < due + BOUND, f"{arrived - due:.2f} s after due"

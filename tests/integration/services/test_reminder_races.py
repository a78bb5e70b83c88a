"""Reminders under races: a reschedule against a send holding the rows, offsets against a create."""

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.models import Reminder
from game_scheduler.scheduler.services import notification_service
from game_scheduler.scheduler.services.notification_service import (
    NotificationService,
    SendOutcome,
)
from game_scheduler.services import games, settings
from tests.support.factories import GUILD_ID, HOST_ID, create_game, member, seed_channel


async def _reminders(game_id: int) -> list[Reminder]:
    async with get_db_session() as session:
        rows = await session.execute(
            select(Reminder).where(Reminder.game_id == game_id).order_by(Reminder.offset_minutes)
        )
        return list(rows.scalars())


async def _waiting_for_a_lock() -> bool:
    async with get_db_session() as session:
        waiting = await session.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
        return bool(waiting)


async def _until_someone_waits_for_a_lock(within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not await _waiting_for_a_lock():
        assert time.monotonic() < deadline, "nobody waited for the lock"
        await asyncio.sleep(0.05)


@pytest.mark.postgres_only
async def test_a_reschedule_during_a_send_leaves_one_pending_reminder_at_the_new_time(pg_db_url):
    await seed_channel()
    game = await create_game(reminder_offsets=[60])
    [row] = await _reminders(game.id)
    holding, release = threading.Event(), threading.Event()
    outcomes: list[SendOutcome] = []

    def send_and_hold() -> None:
        with get_sync_db_session() as session:
            result = NotificationService().stage_reminders(session, [row.id], row.due_at)
            outcomes.append(result[row.id].outcome)
            holding.set()
            release.wait(60)
            session.commit()

    sender = threading.Thread(target=send_and_hold)
    sender.start()
    try:
        assert await asyncio.to_thread(holding.wait, 30)
        new_start = game.scheduled_at + timedelta(days=1)
        async with get_db_session() as session:
            reschedule = asyncio.create_task(
                games.update_game(
                    session, member(HOST_ID), game.id, games.GameChanges(scheduled_at=new_start)
                )
            )
            await _until_someone_waits_for_a_lock()
            release.set()
            await reschedule
    finally:
        release.set()
        await asyncio.to_thread(sender.join)
    assert outcomes == [SendOutcome.SENT]
    rows = await _reminders(game.id)
    assert [(r.status, r.due_at) for r in rows] == [
        (ReminderStatus.PENDING, new_start - timedelta(minutes=60))
    ]
    assert rows[0].sent_at is None


@pytest.mark.postgres_only
async def test_a_game_created_during_an_offsets_change_gets_the_new_offsets(pg_db_url):
    await seed_channel(reminder_offsets=[60, 15])
    manager = member(HOST_ID, manage=True)
    created: list[int] = []

    async def create() -> None:
        created.append((await create_game()).id)

    async with get_db_session() as session:
        commit = session.commit
        creating: list[asyncio.Task[None]] = []

        async def commit_once_the_create_runs() -> None:
            creating.append(asyncio.create_task(create()))
            deadline = time.monotonic() + 30
            while not (creating[0].done() or await _waiting_for_a_lock()):
                assert time.monotonic() < deadline, "the create neither finished nor waited"
                await asyncio.sleep(0.05)
            await commit()

        session.commit = commit_once_the_create_runs  # type: ignore[method-assign]
        await settings.update_guild_settings(
            session, manager, GUILD_ID, settings.GuildSettingsChanges(reminder_offsets=[30])
        )
        await creating[0]
    [game_id] = created
    rows = await _reminders(game_id)
    assert [(r.offset_minutes, r.status) for r in rows] == [(30, ReminderStatus.PENDING)]


async def test_a_reschedule_between_the_sends_claim_and_its_mark_waits_for_the_send(
    db_url, monkeypatch
):
    """The send decides between reading and marking its reminders; a reschedule cannot slip in.

    (On SQLite, where FOR UPDATE is ignored, the send starts with the database's write lock.)
    """
    await seed_channel()
    game = await create_game(reminder_offsets=[60])
    [row] = await _reminders(game.id)
    deciding, release = threading.Event(), threading.Event()
    decide = notification_service._decide

    def decide_slowly(claim, now):
        deciding.set()
        release.wait(60)
        return decide(claim, now)

    monkeypatch.setattr(notification_service, "_decide", decide_slowly)

    def send() -> None:
        with get_sync_db_session() as session:
            NotificationService().stage_reminders(session, [row.id], row.due_at)
            session.commit()

    sender = threading.Thread(target=send)
    sender.start()
    new_start = game.scheduled_at + timedelta(days=1)
    try:
        assert await asyncio.to_thread(deciding.wait, 30)

        async def reschedule() -> None:
            async with get_db_session() as session:
                changes = games.GameChanges(scheduled_at=new_start)
                await games.update_game(session, member(HOST_ID), game.id, changes)

        rescheduling = asyncio.create_task(reschedule())
        # Without the send's lock the reschedule would finish now, before the send marks.
        await asyncio.wait({rescheduling}, timeout=2)
        release.set()
        await rescheduling
    finally:
        release.set()
        await asyncio.to_thread(sender.join)
    rows = await _reminders(game.id)
    assert [(r.status, r.due_at) for r in rows] == [
        (ReminderStatus.PENDING, new_start - timedelta(minutes=60))
    ]

"""Game use cases on PostgreSQL and SQLite: validation, reminders, events in the outbox."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from game_scheduler.database import get_db_session
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.errors import NotAllowed, NotFound, StaleVersion, ValidationError
from game_scheduler.models import Game, GameStatus, OutboxEvent, Reminder, utcnow
from game_scheduler.services import games
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)


async def _reminders(game_id: int) -> dict[int, Reminder]:
    async with get_db_session() as session:
        rows = (
            await session.execute(select(Reminder).where(Reminder.game_id == game_id))
        ).scalars()
        return {r.offset_minutes: r for r in rows}


async def _event_types() -> list[str]:
    async with get_db_session() as session:
        rows = await session.execute(select(OutboxEvent.event_type).order_by(OutboxEvent.id))
        return list(rows.scalars())


async def _count(model: type) -> int:
    async with get_db_session() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_create_game_schedules_default_reminders_and_stages_event(db_url):
    await seed_channel()
    game = await create_game(minutes_ahead=180)
    reminders = await _reminders(game.id)
    assert sorted(reminders) == [15, 60]
    for offset, row in reminders.items():
        assert row.status is ReminderStatus.PENDING
        assert row.due_at == game.scheduled_at - timedelta(minutes=offset)
        assert row.due_at.tzinfo is not None
    assert await _event_types() == ["game.created"]
    assert game.max_players == 10
    assert game.status is GameStatus.SCHEDULED


async def test_offsets_inherit_from_server_when_channel_and_game_are_silent(db_url):
    await seed_channel(reminder_offsets=[1440, 30], default_max_players=4)
    game = await create_game(minutes_ahead=3000)
    assert sorted(await _reminders(game.id)) == [30, 1440]
    assert game.max_players == 4


async def test_default_offsets_come_from_the_environment(db_url, configure):
    configure(default_reminder_offsets="[1440, 5]")
    await seed_channel()
    game = await create_game(minutes_ahead=3000)
    assert sorted(await _reminders(game.id)) == [5, 1440]


async def test_reminder_already_overdue_at_creation_is_skipped(db_url):
    await seed_channel()
    game = await create_game(minutes_ahead=30)
    reminders = await _reminders(game.id)
    assert reminders[60].status is ReminderStatus.SKIPPED
    assert reminders[15].status is ReminderStatus.PENDING


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"max_players": 0}, "max_players"),
        ({"max_players": 1001}, "max_players"),
        ({"reminder_offsets": [0]}, "reminder_offsets"),
        ({"reminder_offsets": [60 * 24 * 29]}, "reminder_offsets"),
    ],
)
async def test_bad_input_is_rejected_and_nothing_is_written(db_url, fields, field):
    await seed_channel()
    with pytest.raises(ValidationError) as info:
        await create_game(**fields)
    assert info.value.field == field
    assert await _count(Game) == 0
    assert await _count(OutboxEvent) == 0


async def test_start_in_the_past_is_rejected(db_url):
    await seed_channel()
    with pytest.raises(ValidationError, match="future"):
        await create_game(minutes_ahead=-5)
    assert await _count(Game) == 0


async def test_unknown_channel_and_foreign_server_are_not_found(db_url):
    await seed_channel()
    with pytest.raises(NotFound):
        await create_game(channel_discord_id=CHANNEL_ID + 1)
    with pytest.raises(NotFound):
        await create_game(member(HOST_ID, guild_id=GUILD_ID + 1))


async def test_host_role_required_when_configured(db_url):
    await seed_channel(host_role_ids=[555])
    with pytest.raises(NotAllowed):
        await create_game(member(HOST_ID))
    game = await create_game(member(HOST_ID, roles=(555,)))
    assert game.id


async def test_reschedule_moves_pending_reminders_and_changes_offsets(db_url):
    await seed_channel()
    game = await create_game(minutes_ahead=180)
    new_start = game.scheduled_at + timedelta(hours=2)
    async with get_db_session() as session:
        updated = await games.update_game(
            session,
            member(HOST_ID),
            game.id,
            games.GameChanges(scheduled_at=new_start, reminder_offsets=[60, 5]),
            expected_version=game.version,
        )
    assert updated.version == game.version + 1
    reminders = await _reminders(game.id)
    assert reminders[60].due_at == new_start - timedelta(minutes=60)
    assert reminders[60].status is ReminderStatus.PENDING
    assert reminders[5].due_at == new_start - timedelta(minutes=5)
    assert reminders[15].status is ReminderStatus.CANCELLED
    assert (await _event_types())[-1] == "game.updated"


async def test_stale_version_and_other_users_are_refused(db_url):
    await seed_channel()
    game = await create_game()
    async with get_db_session() as session:
        with pytest.raises(StaleVersion):
            await games.update_game(
                session,
                member(HOST_ID),
                game.id,
                games.GameChanges(title="New"),
                expected_version=99,
            )
    async with get_db_session() as session:
        with pytest.raises(NotAllowed):
            await games.update_game(
                session, member(player_id()), game.id, games.GameChanges(title="New")
            )
    async with get_db_session() as session:
        with pytest.raises(NotFound):
            await games.cancel_game(session, member(HOST_ID, guild_id=1), game.id)


async def test_manager_role_may_edit_others_games(db_url):
    await seed_channel(manager_role_ids=[777])
    game = await create_game()
    async with get_db_session() as session:
        updated = await games.update_game(
            session, member(player_id(), roles=(777,)), game.id, games.GameChanges(title="Renamed")
        )
    assert updated.title == "Renamed"


async def test_cancel_cancels_pending_reminders_and_is_final(db_url):
    await seed_channel()
    game = await create_game()
    async with get_db_session() as session:
        cancelled = await games.cancel_game(session, member(HOST_ID), game.id)
    assert cancelled.status is GameStatus.CANCELLED
    assert {r.status for r in (await _reminders(game.id)).values()} == {ReminderStatus.CANCELLED}
    assert (await _event_types())[-1] == "game.cancelled"
    async with get_db_session() as session:
        with pytest.raises(ValidationError):
            await games.update_game(
                session,
                member(HOST_ID),
                game.id,
                games.GameChanges(scheduled_at=utcnow() + timedelta(days=1)),
            )

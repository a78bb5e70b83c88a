"""Keep a game's reminder rows in step with its time, offsets and status (caller's transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.domain.reminders import (
    GameClock,
    ReminderState,
    effective_offsets,
    follow_game,
)
from game_scheduler.models import Channel, Game, GameStatus, Guild, Reminder


def inherited_offsets(channel: Channel | None, guild: Guild) -> list[int]:
    """The offsets a game in ``channel`` gets when it sets none: channel, server, then default."""
    channel_offsets = None if channel is None else channel.reminder_offsets
    return effective_offsets(
        None, channel_offsets, guild.reminder_offsets, get_settings().default_reminder_offsets
    )


def offsets_for(game: Game) -> list[int]:
    """The offsets in force for ``game`` (its channel and guild must be loaded)."""
    if game.reminder_offsets is not None:
        return sorted(set(game.reminder_offsets), reverse=True)
    return inherited_offsets(game.channel, game.guild)


async def sync_reminders(session: AsyncSession, game: Game, now: datetime) -> None:
    """Apply the reminder state machine to every offset of ``game`` after it changed.

    The caller holds the game's lock; the reminder rows are locked too (PostgreSQL), so a send
    that holds them finishes first and its ``sent`` is then re-armed for the new time, never
    left ``sent`` at a due time nobody was reminded at. On SQLite the write transaction already
    excludes the send.
    """
    offsets = offsets_for(game) if game.status is GameStatus.SCHEDULED else []
    clock = GameClock(game.scheduled_at, game.status, frozenset(offsets))
    rows = (
        (
            await session.execute(
                select(Reminder)
                .where(Reminder.game_id == game.id)
                .order_by(Reminder.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )
        .scalars()
        .all()
    )
    by_offset = {row.offset_minutes: row for row in rows}
    for offset in sorted(set(offsets) | set(by_offset)):
        row = by_offset.get(offset)
        current = None if row is None else ReminderState(row.status, row.due_at)
        step = follow_game(current, offset, clock, now)
        if step is None:
            continue
        if row is None:
            row = Reminder(game_id=game.id, offset_minutes=offset, attempts=0)
            session.add(row)
        row.status = step.status
        row.due_at = step.due_at
        row.last_error = step.reason
        row.sent_at = None
        row.enqueued_for = None  # re-armed at an old due time: the dispatch must see it again

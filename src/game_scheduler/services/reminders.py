"""Keep a game's reminder rows in step with its time and offsets, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.domain.reminders import ReminderStatus, due_at, effective_offsets
from game_scheduler.models import Channel, Game, Guild, Reminder


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


async def sync_reminders(
    session: AsyncSession, game: Game, offsets: Sequence[int], now: datetime
) -> None:
    """Create, move, revive or cancel reminders so there is one pending row per live offset.

    A reminder whose due time has already passed when it is (re)scheduled is marked skipped:
    telling players "starts in 60 minutes" ten minutes before the start would be wrong.
    """
    rows = (
        (await session.execute(select(Reminder).where(Reminder.game_id == game.id))).scalars().all()
    )
    by_offset = {row.offset_minutes: row for row in rows}
    wanted = set(offsets)
    for offset in wanted:
        due = due_at(game.scheduled_at, offset)
        status = ReminderStatus.PENDING if due > now else ReminderStatus.SKIPPED
        row = by_offset.get(offset)
        if row is None:
            session.add(
                Reminder(
                    game_id=game.id, offset_minutes=offset, due_at=due, status=status, attempts=0
                )
            )
        elif row.due_at != due or row.status is ReminderStatus.CANCELLED:
            row.due_at = due
            row.status = status
            row.sent_at = None
            row.last_error = None if status is ReminderStatus.PENDING else "due before scheduling"
    for offset, row in by_offset.items():
        if offset not in wanted and row.status is ReminderStatus.PENDING:
            row.status = ReminderStatus.CANCELLED


async def cancel_pending_reminders(session: AsyncSession, game_id: int) -> None:
    """Cancel every reminder of the game that has not been sent."""
    await session.execute(
        update(Reminder)
        .where(Reminder.game_id == game_id, Reminder.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.CANCELLED)
    )

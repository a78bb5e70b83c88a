"""Keep a game's reminder rows in step with its time, offsets and status (caller's transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.domain.reminders import (
    GameClock,
    ReminderState,
    audience_offsets,
    effective_offsets,
    follow_game,
)
from game_scheduler.models import Channel, Game, GameStatus, Guild, Participant, Reminder, User


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


async def personal_offsets(session: AsyncSession, game: Game) -> dict[int, list[int]]:
    """The personal offsets of the game's host and players who set theirs (user id -> offsets)."""
    players = select(Participant.user_id).where(Participant.game_id == game.id)
    rows = await session.execute(
        select(User.id, User.reminder_offsets).where(
            or_(User.id == game.host_id, User.id.in_(players)),
            User.reminder_offsets.is_not(None),
        )
    )
    return {user_id: list(offsets) for user_id, offsets in rows.all() if offsets is not None}


async def sync_reminders(session: AsyncSession, game: Game, now: datetime) -> None:
    """Apply the reminder state machine to every (audience, offset) of ``game`` after it changed.

    Audiences: everyone following the game's offsets, and each host or player with personal
    offsets (:func:`domain.reminders.audience_offsets`). The caller holds the game's lock; the
    reminder rows are locked too (PostgreSQL), so a send that holds them finishes first and its
    ``sent`` is then re-armed for the new time, never left ``sent`` at a due time nobody was
    reminded at. On SQLite the write transaction already excludes the send.
    """
    scheduled = game.status is GameStatus.SCHEDULED
    plan = audience_offsets(
        offsets_for(game) if scheduled else [],
        await personal_offsets(session, game) if scheduled else {},
    )
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
    by_key = {(row.audience_user_id, row.offset_minutes): row for row in rows}
    wanted = {(audience, offset) for audience, offsets in plan.items() for offset in offsets}
    for audience, offset in sorted(wanted | set(by_key), key=lambda k: (k[0] or 0, k[1])):
        clock = GameClock(game.scheduled_at, game.status, frozenset(plan.get(audience, ())))
        row = by_key.get((audience, offset))
        current = None if row is None else ReminderState(row.status, row.due_at)
        step = follow_game(current, offset, clock, now)
        if step is None:
            continue
        if row is None:
            row = Reminder(
                game_id=game.id, offset_minutes=offset, audience_user_id=audience, attempts=0
            )
            session.add(row)
        row.status = step.status
        row.due_at = step.due_at
        row.last_error = step.reason
        row.sent_at = None
        row.enqueued_for = None  # re-armed at an old due time: the dispatch must see it again

"""A user's own reminder offsets and delivery choice, and their games' reminders following them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.database import lock_for_write
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.models import Game, GameStatus, Participant, User, utcnow
from game_scheduler.services.loading import load_game
from game_scheduler.services.registry import ensure_user
from game_scheduler.services.reminders import sync_reminders


@dataclass(frozen=True)
class ReminderPreferences:
    """``offsets`` None: each game's own; ``mention``: a ping in the game's channel, no DM."""

    offsets: list[int] | None
    mention: bool


async def read_preferences(session: AsyncSession, discord_id: int) -> ReminderPreferences:
    """The user's choices (defaults for a user never seen)."""
    user = await session.scalar(select(User).where(User.discord_id == discord_id))
    if user is None:
        return ReminderPreferences(None, mention=False)
    offsets = None if user.reminder_offsets is None else list(user.reminder_offsets)
    return ReminderPreferences(offsets, user.reminder_mention)


async def save_preferences(
    session: AsyncSession,
    discord_id: int,
    username: str,
    *,
    offsets: list[int] | None,
    mention: bool | None = None,
) -> ReminderPreferences:
    """Set (or with None clear) the user's offsets; their scheduled games' reminders follow.

    ``mention`` None leaves that choice as it is. One transaction; each game is locked as a
    game change would lock it.
    """
    cleaned = None if offsets is None else validate_offsets(offsets)
    await lock_for_write(session)
    user = await ensure_user(session, discord_id, username)
    changed = cleaned != user.reminder_offsets
    user.reminder_offsets = cleaned
    if mention is not None:
        user.reminder_mention = mention
    await session.flush()
    if changed:
        await _follow(session, user.id)
    await session.commit()
    return ReminderPreferences(cleaned, user.reminder_mention)


async def _follow(session: AsyncSession, user_id: int) -> None:
    """Re-derive the reminders of every scheduled game the user hosts or plays in."""
    plays = exists().where(Participant.game_id == Game.id, Participant.user_id == user_id)
    game_ids = (
        await session.scalars(
            select(Game.id)
            .where(Game.status == GameStatus.SCHEDULED, or_(Game.host_id == user_id, plays))
            .order_by(Game.id)
        )
    ).all()
    now = utcnow()
    for game_id in game_ids:
        game = await load_game(session, game_id, lock=True)
        await sync_reminders(session, game, now)

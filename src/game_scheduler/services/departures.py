"""A member seen gone from a server loses their upcoming signups there; the waitlist moves up."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.models import Guild, User
from game_scheduler.services import members, signups

log = logging.getLogger(__name__)


async def member_left(
    session: AsyncSession, guild_discord_id: int, user_discord_id: int, now: datetime
) -> int:
    """Record the departure and drop the user's signups for the server's open games.

    A server the bot itself left is not a departure of its members. Returns the games dropped.
    """
    present = (
        await session.execute(
            select(Guild.id).where(Guild.discord_id == guild_discord_id, Guild.bot_present)
        )
    ).scalar_one_or_none()
    user_id = (
        await session.execute(select(User.id).where(User.discord_id == user_discord_id))
    ).scalar_one_or_none()
    if present is None or user_id is None:
        await session.commit()  # nothing changed; a rollback would expire the caller's rows
        return 0
    await members.record_left(session, user_id, guild_discord_id, now)
    game_ids = await members.upcoming_signups(session, user_id, guild_discord_id)
    await session.commit()
    for game_id in game_ids:
        await signups.drop_departed(session, game_id, user_discord_id)
    if game_ids:
        log.info("member left server %s: dropped from %d games", guild_discord_id, len(game_ids))
    return len(game_ids)

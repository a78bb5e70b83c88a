"""Whose zone a typed time is read in: the user's own, saved here, else their server's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.zones import ZoneInUse, check_zone, zone_in_use
from game_scheduler.models import Guild, User
from game_scheduler.services.registry import ensure_user

CLEAR_WORDS = frozenset({"", "none", "clear", "reset", "default"})


async def user_zone(session: AsyncSession, discord_id: int) -> str | None:
    """The zone a user saved, if any."""
    found = await session.scalar(select(User.timezone).where(User.discord_id == discord_id))
    return found or None


async def server_zone(session: AsyncSession, guild_discord_id: int) -> str | None:
    """The server's default zone, if it set one."""
    found = await session.scalar(select(Guild.timezone).where(Guild.discord_id == guild_discord_id))
    return found or None


async def zone_for(session: AsyncSession, actor: Actor, guild_discord_id: int | None) -> ZoneInUse:
    """The zone ``actor``'s times are read in here: theirs, else the server's, else UTC."""
    mine = await user_zone(session, actor.discord_id)
    server = None if guild_discord_id is None else await server_zone(session, guild_discord_id)
    return zone_in_use(mine, server)


def clean_zone_choice(name: str | None) -> str | None:
    """A zone to save, or None to clear it ("none", "default" or blank)."""
    if name is None or name.strip().lower() in CLEAR_WORDS:
        return None
    return check_zone(name)


async def set_user_zone(session: AsyncSession, actor: Actor, name: str | None) -> str | None:
    """Save (or clear, with None/"none") the actor's own zone; commits."""
    zone = clean_zone_choice(name)
    user = await ensure_user(session, actor.discord_id, actor.username)
    user.timezone = zone
    await session.commit()
    return zone

"""The games a host can pick from in Discord: their own games in one server."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.permissions import Actor, can_see
from game_scheduler.models import Game, Guild, User
from game_scheduler.services.queries import UPCOMING

CHOICES_MAX = 25  # Discord shows at most 25 autocomplete choices


async def hosted_upcoming(
    session: AsyncSession, actor: Actor, guild_discord_id: int, query: str = ""
) -> list[Game]:
    """The actor's scheduled or running games in this server, soonest first, matching ``query``."""
    if not can_see(actor, guild_discord_id):
        return []
    stmt = (
        _hosted_by(actor, guild_discord_id, query)
        .where(Game.status.in_(UPCOMING))
        .order_by(Game.scheduled_at, Game.id)
    )
    return list((await session.scalars(stmt)).all())


async def hosted_recent(
    session: AsyncSession, actor: Actor, guild_discord_id: int, query: str = ""
) -> list[Game]:
    """The actor's games in this server whatever their status, latest start first (to copy)."""
    if not can_see(actor, guild_discord_id):
        return []
    stmt = _hosted_by(actor, guild_discord_id, query).order_by(
        Game.scheduled_at.desc(), Game.id.desc()
    )
    return list((await session.scalars(stmt)).all())


def _hosted_by(actor: Actor, guild_discord_id: int, query: str) -> Select[Game]:
    """The actor's games in this server whose title holds ``query`` (case-insensitive, taken
    literally), at most as many as Discord shows; the caller orders them."""
    stmt = (
        select(Game)
        .join(Guild, Guild.id == Game.guild_id)
        .join(User, User.id == Game.host_id)
        .where(Guild.discord_id == guild_discord_id, User.discord_id == actor.discord_id)
        .limit(CHOICES_MAX)
    )
    needle = query.strip().lower()
    if not needle:
        return stmt
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return stmt.where(func.lower(Game.title).like(f"%{escaped}%", escape="\\"))

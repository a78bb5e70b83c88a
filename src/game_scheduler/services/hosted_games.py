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
        select(Game)
        .join(Guild, Guild.id == Game.guild_id)
        .join(User, User.id == Game.host_id)
        .where(
            Guild.discord_id == guild_discord_id,
            User.discord_id == actor.discord_id,
            Game.status.in_(UPCOMING),
        )
        .order_by(Game.scheduled_at, Game.id)
        .limit(CHOICES_MAX)
    )
    return list((await session.scalars(_titled(stmt, query))).all())


async def hosted_recent(
    session: AsyncSession, actor: Actor, guild_discord_id: int, query: str = ""
) -> list[Game]:
    """The actor's games in this server whatever their status, latest start first (to copy)."""
    if not can_see(actor, guild_discord_id):
        return []
    stmt = (
        select(Game)
        .join(Guild, Guild.id == Game.guild_id)
        .join(User, User.id == Game.host_id)
        .where(Guild.discord_id == guild_discord_id, User.discord_id == actor.discord_id)
        .order_by(Game.scheduled_at.desc(), Game.id.desc())
        .limit(CHOICES_MAX)
    )
    return list((await session.scalars(_titled(stmt, query))).all())


def _titled(stmt: Select[Game], query: str) -> Select[Game]:
    """Only games whose title holds ``query`` (case-insensitive, taken literally)."""
    needle = query.strip().lower()
    if not needle:
        return stmt
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return stmt.where(func.lower(Game.title).like(f"%{escaped}%", escape="\\"))

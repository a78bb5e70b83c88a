"""The pings-and-threads part of server and channel settings (issue 14): validated and applied.

A server sets a role to mention when a game is posted (None: none), whether each game gets a
thread, and whether reminders and changes are posted there too; a channel overrides any of them
(None inherits; a ping role of 0 turns the server's ping off in that channel).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.pings import NO_PING
from game_scheduler.errors import ValidationError
from game_scheduler.models import Channel, Guild, Role


class PingChanges(BaseModel):
    """A partial update of the pings and threads; only the fields given change."""

    model_config = ConfigDict(frozen=True)

    ping_role_id: int | None = None
    game_threads: bool | None = None
    thread_posts: bool | None = None


async def _check_role(session: AsyncSession, guild: Guild, role_id: int) -> None:
    """Only one of the server's own roles may be pinged, never @everyone (id = the server's)."""
    known = await session.scalar(
        select(Role.id).where(Role.guild_id == guild.id, Role.discord_id == role_id)
    )
    if known is None or role_id == guild.discord_id:
        raise ValidationError("ping_role_id is not a role of this server", "ping_role_id")


async def apply_pings(
    session: AsyncSession, guild: Guild, target: Guild | Channel, changes: PingChanges
) -> None:
    """Set the given fields on the server or channel; a bad role is refused (422)."""
    given = changes.model_fields_set
    is_guild = isinstance(target, Guild)
    if "ping_role_id" in given:
        role = changes.ping_role_id
        if role is not None and role != NO_PING:
            await _check_role(session, guild, role)
        target.ping_role_id = None if is_guild and role == NO_PING else role
    for name in ("game_threads", "thread_posts"):
        if name in given:
            value = getattr(changes, name)
            setattr(target, name, bool(value) if is_guild else value)

"""Names for the Discord ids in a message, from what the bot recorded (never asking Discord)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.models import Channel, Role, User


@dataclass(frozen=True)
class DiscordNames:
    """User, channel and role names by Discord id; an unknown id has no entry."""

    users: dict[int, str] = field(default_factory=dict)
    channels: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)


async def read_names(
    db: AsyncSession,
    user_ids: Collection[int] = (),
    channel_ids: Collection[int] = (),
    role_ids: Collection[int] = (),
) -> DiscordNames:
    """The recorded names of these users, channels and roles, as Discord would show them."""
    names = DiscordNames()
    lookups = (
        (User, User.username, user_ids, names.users),
        (Channel, Channel.name, channel_ids, names.channels),
        (Role, Role.name, role_ids, names.roles),
    )
    for model, column, ids, found in lookups:
        if not ids:
            continue
        rows = await db.execute(
            select(model.discord_id, column).where(model.discord_id.in_(list(ids)))
        )
        found.update({discord_id: name for discord_id, name in rows.all() if name})
    return names

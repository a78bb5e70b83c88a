"""Build servers, channels, actors and games through the real services."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.models import Game, utcnow
from game_scheduler.services import games, registry, signups

GUILD_ID = 900_000_000_000_000_001
CHANNEL_ID = 900_000_000_000_000_101
HOST_ID = 800_000_000_000_000_001

_ids = count(700_000_000_000_000_001)


def player_id() -> int:
    """A fresh Discord-like user id."""
    return next(_ids)


def member(
    discord_id: int, guild_id: int = GUILD_ID, *, manage: bool = False, roles: tuple[int, ...] = ()
) -> Actor:
    """An actor who belongs to ``guild_id``."""
    return Actor.member_of(discord_id, guild_id, roles, manage, username=f"user{discord_id % 1000}")


async def seed_channel(
    guild_id: int = GUILD_ID, channel_id: int = CHANNEL_ID, **guild_settings: object
) -> None:
    """Record a server and a channel as the bot would."""
    async with get_db_session() as session:
        guild = await registry.ensure_guild(session, guild_id, "Test Server")
        for key, value in guild_settings.items():
            setattr(guild, key, value)
        await registry.ensure_channel(session, guild, channel_id, "games")
        await session.commit()


async def create_game(
    host: Actor | None = None, *, minutes_ahead: int = 180, **fields: object
) -> Game:
    """A game posted through the service, starting ``minutes_ahead`` from now."""
    draft = games.GameDraft(
        channel_discord_id=int(fields.pop("channel_discord_id", CHANNEL_ID)),  # type: ignore[call-overload]
        title=str(fields.pop("title", "Catan night")),
        scheduled_at=utcnow() + timedelta(minutes=minutes_ahead),
        **fields,  # type: ignore[arg-type]
    )
    async with get_db_session() as session:
        return await games.create_game(session, host or member(HOST_ID), draft)


async def join(game_id: int, actor: Actor | None = None) -> signups.Standing:
    """``actor`` (a new member when None) joins the game in a session of its own."""
    async with get_db_session() as session:
        return await signups.join_game(session, actor or member(player_id()), game_id)

"""A local sign-in for the all-in-one mode: a demo user who manages a demo server.

Only offered when the process asks for it and no Discord application is configured, so a real
deployment can never be entered this way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.services.auth import sessions
from game_scheduler.services.auth.membership import DEMO_FLAG, GuildAccess, encode_access
from game_scheduler.services.registry import ensure_channel, ensure_guild, ensure_user

DEMO_GUILD_ID = 100_000_000_000_000_001
DEMO_GUILD_NAME = "Demo Server"
DEMO_CHANNEL_ID = 100_000_000_000_000_101
DEMO_CHANNEL_NAME = "game-night"
DEMO_USER_ID = 100_000_000_000_000_201
DEMO_USER_NAME = "Demo Player"


def demo_login_available(enabled: bool) -> bool:
    """Whether the demo sign-in may be used: asked for, and no Discord login configured."""
    return enabled and not get_settings().discord_client_id


async def seed_demo_server(db: AsyncSession) -> None:
    """Record the demo server, its channel and the demo user, as the bot would; commits."""
    guild = await ensure_guild(db, DEMO_GUILD_ID, DEMO_GUILD_NAME)
    await ensure_channel(db, guild, DEMO_CHANNEL_ID, DEMO_CHANNEL_NAME)
    await ensure_user(db, DEMO_USER_ID, DEMO_USER_NAME)
    await db.commit()


async def open_demo_session(db: AsyncSession, now: datetime) -> sessions.NewSession:
    """A session for the demo user, who manages the demo server."""
    await seed_demo_server(db)
    user = await ensure_user(db, DEMO_USER_ID, DEMO_USER_NAME)
    access = GuildAccess(DEMO_GUILD_ID, DEMO_GUILD_NAME, manage=True, role_ids=frozenset())
    cache = {**encode_access([access]), DEMO_FLAG: True}
    return await sessions.create_session(db, user.id, now, None, cache, cached_at=now)

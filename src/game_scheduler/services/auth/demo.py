"""A local sign-in for the all-in-one mode: a demo user who manages a demo server.

Only offered when the process asks for it and no Discord application is configured, so a real
deployment can never be entered this way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.services.auth import sessions
from game_scheduler.services.auth.membership import DEMO_FLAG, GuildAccess, encode_access
from game_scheduler.services.registry import (
    ensure_channel,
    ensure_guild,
    ensure_role,
    ensure_user,
)

DEMO_GUILD_ID = 100_000_000_000_000_001
DEMO_GUILD_NAME = "Demo Server"
DEMO_CHANNEL_ID = 100_000_000_000_000_101
DEMO_CHANNEL_NAME = "game-night"
DEMO_USER_ID = 100_000_000_000_000_201
DEMO_USER_NAME = "Demo Player"
DEMO_MEMBER_ID = 100_000_000_000_000_301
DEMO_MEMBER_NAME = "Ada"
# Two roles, so host and bot-manager roles can be tried in the settings.
DEMO_HOST_ROLE_ID = 100_000_000_000_000_401
DEMO_MANAGER_ROLE_ID = 100_000_000_000_000_402
DEMO_ROLES = ((DEMO_HOST_ROLE_ID, "Game Host"), (DEMO_MANAGER_ROLE_ID, "Game Master"))


@dataclass(frozen=True)
class DemoIdentity:
    """Someone the demo sign-in can open a session for, and what they hold in the demo server."""

    key: str
    discord_id: int
    name: str
    manage: bool
    role_ids: frozenset[int]
    description: str


DEMO_IDENTITIES = (
    DemoIdentity(
        "manager",
        DEMO_USER_ID,
        DEMO_USER_NAME,
        manage=True,
        role_ids=frozenset({DEMO_HOST_ROLE_ID, DEMO_MANAGER_ROLE_ID}),
        description="manages the demo server: posts games, edits any game, changes settings",
    ),
    DemoIdentity(
        "member",
        DEMO_MEMBER_ID,
        DEMO_MEMBER_NAME,
        manage=False,
        role_ids=frozenset(),
        description="a plain member: joins and leaves games, posts while no host role is set",
    ),
)


def demo_identity(key: str) -> DemoIdentity:
    """The identity a sign-in form chose; the manager when the choice is unknown or missing."""
    return next((i for i in DEMO_IDENTITIES if i.key == key), DEMO_IDENTITIES[0])


def demo_login_available(enabled: bool) -> bool:
    """Whether the demo sign-in may be used: asked for, and no Discord login configured."""
    return enabled and not get_settings().discord_client_id


async def seed_demo_server(db: AsyncSession) -> None:
    """Record the demo server, its channel, roles and users, as the bot would; commits."""
    guild = await ensure_guild(db, DEMO_GUILD_ID, DEMO_GUILD_NAME)
    await ensure_channel(db, guild, DEMO_CHANNEL_ID, DEMO_CHANNEL_NAME)
    for role_id, role_name in DEMO_ROLES:
        await ensure_role(db, guild, role_id, role_name)
    for identity in DEMO_IDENTITIES:
        await ensure_user(db, identity.discord_id, identity.name)
    await db.commit()


async def open_demo_session(
    db: AsyncSession, now: datetime, identity: DemoIdentity = DEMO_IDENTITIES[0]
) -> sessions.NewSession:
    """A session for a demo identity (by default the demo user, who manages the demo server)."""
    await seed_demo_server(db)
    user = await ensure_user(db, identity.discord_id, identity.name)
    access = GuildAccess(
        DEMO_GUILD_ID, DEMO_GUILD_NAME, manage=identity.manage, role_ids=identity.role_ids
    )
    cache = {**encode_access([access]), DEMO_FLAG: True}
    return await sessions.create_session(db, user.id, now, None, cache, cached_at=now)

"""Who the signed-in user is in each server the bot shares with them, cached briefly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.domain.permissions import Actor, Membership
from game_scheduler.errors import GameSchedulerError
from game_scheduler.models import Guild, WebSession
from game_scheduler.services.auth import discord_api, sessions
from game_scheduler.services.auth.discord_api import DiscordRejected, DiscordUnavailable

log = logging.getLogger(__name__)

CACHE_TTL = timedelta(seconds=60)
MAX_STALE = timedelta(minutes=15)
REFRESH_MARGIN = timedelta(minutes=1)
DEMO_FLAG = "demo"


class SessionEnded(GameSchedulerError):
    """Discord no longer honours the session's tokens: the user must sign in again."""


@dataclass(frozen=True)
class GuildAccess:
    """The user's standing in one server shared with the bot."""

    discord_id: int
    name: str
    manage: bool
    role_ids: frozenset[int]


async def gather_access(db: AsyncSession, access_token: str) -> list[GuildAccess]:
    """Ask Discord for the user's servers, keep those the bot is in, and read their roles.

    The session is committed before each call to Discord, so no pooled connection waits on it.
    """
    await db.commit()
    summaries = await discord_api.fetch_guilds(access_token)
    ids = [s.discord_id for s in summaries]
    known = set(
        (
            await db.execute(
                select(Guild.discord_id).where(Guild.discord_id.in_(ids), Guild.bot_present)
            )
        ).scalars()
    )
    await db.commit()
    shared = [s for s in summaries if s.discord_id in known]
    roles = await asyncio.gather(
        *(discord_api.fetch_member_roles(access_token, s.discord_id) for s in shared)
    )
    return [
        GuildAccess(s.discord_id, s.name, s.manage, frozenset(r))
        for s, r in zip(shared, roles, strict=True)
        if r is not None
    ]


def encode_access(accesses: Sequence[GuildAccess]) -> dict[str, Any]:
    """The JSON kept in ``web_session.discord_cache`` (ids as strings, as everywhere in JSON)."""
    return {
        "guilds": [
            {
                "id": str(a.discord_id),
                "name": a.name,
                "manage": a.manage,
                "roles": sorted(str(r) for r in a.role_ids),
            }
            for a in accesses
        ]
    }


def cached_access(web_session: WebSession) -> list[GuildAccess]:
    """The servers as last read from Discord."""
    return [
        GuildAccess(
            int(entry["id"]),
            str(entry.get("name", "")),
            bool(entry.get("manage")),
            frozenset(int(r) for r in entry.get("roles", [])),
        )
        for entry in (web_session.discord_cache or {}).get("guilds", [])
    ]


def actor_from_cache(web_session: WebSession) -> Actor:
    """The acting user with the memberships last read from Discord."""
    memberships = {
        a.discord_id: Membership(a.discord_id, a.role_ids, a.manage)
        for a in cached_access(web_session)
    }
    user = web_session.user
    return Actor(user.discord_id, user.username, memberships)


def is_demo_session(web_session: WebSession) -> bool:
    """Whether the demo sign-in opened the session: its servers are stored, never read."""
    return bool((web_session.discord_cache or {}).get(DEMO_FLAG))


async def _end_session(db: AsyncSession, web_session: WebSession, reason: str) -> SessionEnded:
    await db.execute(delete(WebSession).where(WebSession.id == web_session.id))
    await db.commit()
    return SessionEnded(reason)


async def _access_token(web_session: WebSession, now: datetime) -> str:
    token = sessions.access_token(web_session)
    expires = web_session.token_expires_at
    if token is not None and (expires is None or expires > now + REFRESH_MARGIN):
        return token
    refresh = sessions.refresh_token(web_session)
    if refresh is None:
        raise DiscordRejected("the Discord token expired and cannot be refreshed")
    token_set = await discord_api.refresh_tokens(refresh, now)
    sessions.store_tokens(web_session, token_set)
    return token_set.access_token


async def resolve_actor(db: AsyncSession, web_session: WebSession, now: datetime) -> Actor:
    """The actor for a request: from the cache when fresh, else re-read from Discord.

    When Discord is unreachable a cache up to 15 minutes old still serves; a revoked token
    ends the session. A demo session's servers are stored ones; it ends if Discord is set up.
    """
    if is_demo_session(web_session):
        if get_settings().discord_client_id:
            raise await _end_session(db, web_session, "demo sessions end once Discord is set up")
        return actor_from_cache(web_session)
    cached_at = web_session.discord_cached_at
    if cached_at is not None and now - cached_at < CACHE_TTL:
        return actor_from_cache(web_session)
    await db.commit()  # the request's read ends here: no connection is held across Discord
    try:
        token = await _access_token(web_session, now)
        accesses = await gather_access(db, token)
    except DiscordUnavailable:
        if cached_at is not None and now - cached_at < MAX_STALE:
            log.warning("Discord unavailable; using memberships cached at %s", cached_at)
            return actor_from_cache(web_session)
        raise
    except DiscordRejected as error:
        ended = await _end_session(db, web_session, "your Discord login expired; sign in again")
        raise ended from error
    web_session.discord_cache = encode_access(accesses)
    web_session.discord_cached_at = now
    await db.commit()
    return actor_from_cache(web_session)

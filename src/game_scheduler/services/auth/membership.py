"""Who the signed-in user is in each server the bot shares with them, cached briefly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from game_scheduler.config import get_settings
from game_scheduler.domain.permissions import Actor, Membership
from game_scheduler.errors import GameSchedulerError
from game_scheduler.models import Guild, WebSession, utcnow
from game_scheduler.services import departures, members
from game_scheduler.services.auth import discord_api, sessions
from game_scheduler.services.auth.discord_api import DiscordRejected, DiscordUnavailable

log = logging.getLogger(__name__)

CACHE_TTL = timedelta(seconds=60)
MAX_STALE = timedelta(minutes=15)
REFRESH_MARGIN = timedelta(minutes=1)
REFRESH_CLAIM = timedelta(seconds=30)
REFRESH_POLL_SECONDS = 0.1
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


def _usable_token(web_session: WebSession, now: datetime) -> str | None:
    """The stored access token while it has more than a minute to live."""
    token = sessions.access_token(web_session)
    expires = web_session.token_expires_at
    if token is not None and (expires is None or expires > now + REFRESH_MARGIN):
        return token
    return None


async def _stored_session(db: AsyncSession, session_id: str) -> WebSession | None:
    """The session row as committed now (another request may have refreshed its tokens)."""
    return (
        await db.execute(
            select(WebSession)
            .where(WebSession.id == session_id)
            .options(joinedload(WebSession.user))
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


async def _claim_refresh(db: AsyncSession, session_id: str, used: str) -> bool:
    """Claim the refresh of this session's tokens in a short transaction; False: another has it.

    A claim older than ``REFRESH_CLAIM`` is abandoned (its request died) and can be taken over.
    """
    now = utcnow()
    claimed = await db.execute(
        update(WebSession)
        .where(
            WebSession.id == session_id,
            WebSession.refresh_token_enc == used,
            or_(
                WebSession.token_refresh_claimed_at.is_(None),
                WebSession.token_refresh_claimed_at < now - REFRESH_CLAIM,
            ),
        )
        .values(token_refresh_claimed_at=now)
    )
    await db.commit()
    return getattr(claimed, "rowcount", 0) == 1


async def _token_from_other_refresh(
    db: AsyncSession, web_session: WebSession, now: datetime
) -> str | None:
    """Wait while another request refreshes; its new token, or None when we may claim it."""
    deadline = utcnow() + REFRESH_CLAIM
    while utcnow() < deadline:
        await asyncio.sleep(REFRESH_POLL_SECONDS)
        stored = await _stored_session(db, web_session.id)
        await db.commit()
        if stored is None:
            raise DiscordRejected("the session ended while another request refreshed its token")
        token = _usable_token(stored, now)
        if token is not None:
            return token
        if stored.token_refresh_claimed_at is None:
            return None
    return None


async def _access_token(db: AsyncSession, web_session: WebSession, now: datetime) -> str:
    """A live access token, refreshing it when it expires; the new tokens are committed first.

    One request refreshes at a time (a claim on the session row, taken and released in short
    transactions, none held while Discord answers): Discord rotates the refresh token, so a
    second refresh with the old one would be refused and sign the user out. The others wait
    for the new token.
    """
    while (token := _usable_token(web_session, now)) is None:
        used = web_session.refresh_token_enc
        refresh = sessions.refresh_token(web_session)
        if used is None or refresh is None:
            raise DiscordRejected("the Discord token expired and cannot be refreshed")
        if await _claim_refresh(db, web_session.id, used):
            return await _refresh(db, web_session, refresh, now)
        token = await _token_from_other_refresh(db, web_session, now)
        if token is not None:
            return token
    return token


async def _refresh(db: AsyncSession, web_session: WebSession, refresh: str, now: datetime) -> str:
    """Refresh under our claim, commit the new tokens (releasing the claim), then use them."""
    try:
        token_set = await discord_api.refresh_tokens(refresh, now)
    except DiscordUnavailable:
        await db.execute(
            update(WebSession)
            .where(WebSession.id == web_session.id)
            .values(token_refresh_claimed_at=None)
        )
        await db.commit()
        raise
    columns = {**sessions.token_columns(token_set), "token_refresh_claimed_at": None}
    await db.execute(update(WebSession).where(WebSession.id == web_session.id).values(**columns))
    await db.commit()
    for column, value in columns.items():
        set_committed_value(web_session, column, value)
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
        token = await _access_token(db, web_session, now)
        accesses = await gather_access(db, token)
    except DiscordUnavailable:
        if cached_at is not None and now - cached_at < MAX_STALE:
            log.warning("Discord unavailable; using memberships cached at %s", cached_at)
            return actor_from_cache(web_session)
        raise
    except DiscordRejected as error:
        ended = await _end_session(db, web_session, "your Discord login expired; sign in again")
        raise ended from error
    previous = {a.discord_id for a in cached_access(web_session)}
    web_session.discord_cache = encode_access(accesses)
    web_session.discord_cached_at = now
    current = [a.discord_id for a in accesses]
    await members.record_present(db, web_session.user_id, current, now)
    await db.commit()
    actor = actor_from_cache(web_session)
    for gone in sorted(previous - set(current)):
        await departures.member_left(db, gone, actor.discord_id, now)
    return actor

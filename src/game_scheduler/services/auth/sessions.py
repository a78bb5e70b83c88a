"""Server-side sessions: the browser holds a random id, the database everything else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from game_scheduler.models import WebSession
from game_scheduler.services.auth import tokens
from game_scheduler.services.auth.discord_api import TokenSet

SESSION_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class NewSession:
    """A session just created; ``cookie_value`` goes to the browser and nowhere else."""

    cookie_value: str
    web_session: WebSession


def token_columns(token_set: TokenSet) -> dict[str, Any]:
    """The session's token columns for ``token_set``: Discord's tokens encrypted."""
    return {
        "access_token_enc": tokens.encrypt(token_set.access_token),
        "refresh_token_enc": (
            tokens.encrypt(token_set.refresh_token) if token_set.refresh_token else None
        ),
        "token_expires_at": token_set.expires_at,
    }


def store_tokens(web_session: WebSession, token_set: TokenSet) -> None:
    """Keep Discord's tokens encrypted on the session."""
    for column, value in token_columns(token_set).items():
        setattr(web_session, column, value)


def access_token(web_session: WebSession) -> str | None:
    """The session's Discord access token, decrypted."""
    if web_session.access_token_enc is None:
        return None
    return tokens.decrypt(web_session.access_token_enc)


def refresh_token(web_session: WebSession) -> str | None:
    """The session's Discord refresh token, decrypted."""
    if web_session.refresh_token_enc is None:
        return None
    return tokens.decrypt(web_session.refresh_token_enc)


async def create_session(
    db: AsyncSession,
    user_id: int,
    now: datetime,
    token_set: TokenSet | None = None,
    discord_cache: dict[str, object] | None = None,
    cached_at: datetime | None = None,
) -> NewSession:
    """Open a session for a user and commit it."""
    cookie_value = tokens.random_token(32)
    web_session = WebSession(
        id=tokens.session_key(cookie_value),
        user_id=user_id,
        csrf_token=tokens.random_token(32),
        discord_cache=discord_cache or {},
        discord_cached_at=cached_at,
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    if token_set is not None:
        store_tokens(web_session, token_set)
    db.add(web_session)
    await db.commit()
    return NewSession(cookie_value, web_session)


# Made once, with the key a parameter: building a statement and its cache key cost CPU on
# every request.
_SESSION_WITH_USER = (
    select(WebSession).options(joinedload(WebSession.user)).where(WebSession.id == bindparam("key"))
)


async def load_session(db: AsyncSession, cookie_value: str, now: datetime) -> WebSession | None:
    """The live session behind a cookie, with its user; None when unknown or expired."""
    if not cookie_value or len(cookie_value) > 128:
        return None
    key = tokens.session_key(cookie_value)
    web_session = (await db.execute(_SESSION_WITH_USER, {"key": key})).scalar_one_or_none()
    if web_session is None or web_session.expires_at <= now:
        return None
    return web_session


async def delete_session(db: AsyncSession, cookie_value: str) -> None:
    """End a session (logout); unknown cookies are ignored."""
    await db.execute(delete(WebSession).where(WebSession.id == tokens.session_key(cookie_value)))
    await db.commit()


async def purge_expired_sessions(db: AsyncSession, now: datetime) -> None:
    """Forget sessions past their expiry (called on login, so the table stays small)."""
    await db.execute(delete(WebSession).where(WebSession.expires_at <= now))


def check_csrf(web_session: WebSession, token: str | None) -> bool:
    """Whether a dashboard form or an API write carries this session's CSRF token."""
    return tokens.same_token(token, web_session.csrf_token)

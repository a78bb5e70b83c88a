"""The OAuth2 authorization-code flow with PKCE: send the browser to Discord, take it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.errors import GameSchedulerError
from game_scheduler.models import OAuthState, User
from game_scheduler.services import members
from game_scheduler.services.auth import discord_api, sessions, tokens
from game_scheduler.services.auth.discord_api import DiscordError, DiscordRejected
from game_scheduler.services.auth.membership import encode_access, gather_access
from game_scheduler.services.registry import ensure_user

STATE_LIFETIME = timedelta(minutes=10)
NEXT_MAX = 500


class LoginFailed(GameSchedulerError):
    """The login cannot finish: a stale, replayed or forged callback, or Discord said no."""


@dataclass(frozen=True)
class LoginResult:
    """A finished login: the new session's cookie and where to send the browser."""

    cookie_value: str
    next_url: str
    user: User


def safe_next(next_url: str | None) -> str:
    """Only a path on this site, so the login cannot be used to redirect elsewhere."""
    if (
        not next_url
        or not next_url.startswith("/")
        or next_url.startswith(("//", "/\\"))
        or len(next_url) > NEXT_MAX
        or any(ord(char) < 32 for char in next_url)
    ):
        return "/"
    return next_url


@dataclass(frozen=True)
class LoginStart:
    """Where to send the browser, and the state its login cookie must carry back."""

    url: str
    state: str


async def begin_login(db: AsyncSession, next_url: str | None, now: datetime) -> LoginStart:
    """Record a single-use state and its PKCE verifier; return Discord's authorize URL."""
    settings = get_settings()
    if not settings.discord_client_id:
        raise DiscordError("login with Discord is not configured on this server")
    await db.execute(delete(OAuthState).where(OAuthState.created_at < now - STATE_LIFETIME))
    state = tokens.random_token(32)
    verifier = tokens.random_token(64)
    pending = OAuthState(state=state, code_verifier=verifier, next_url=safe_next(next_url))
    pending.created_at = now
    db.add(pending)
    await db.commit()
    query = urlencode(
        {
            "client_id": settings.discord_client_id,
            "response_type": "code",
            "redirect_uri": discord_api.redirect_uri(),
            "scope": discord_api.SCOPES,
            "state": state,
            "code_challenge": tokens.pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    return LoginStart(f"{settings.discord_oauth_url}?{query}", state)


async def _consume_state(db: AsyncSession, state: str, now: datetime) -> tuple[str, str]:
    """Delete the state row and return its verifier and next URL; it can never be used again."""
    row = (
        await db.execute(
            delete(OAuthState)
            .where(OAuthState.state == state)
            .returning(OAuthState.code_verifier, OAuthState.next_url, OAuthState.created_at)
        )
    ).first()
    await db.commit()
    if row is None or row.created_at < now - STATE_LIFETIME:
        raise LoginFailed("this login has expired or was already used; please sign in again")
    return row.code_verifier, row.next_url


async def complete_login(
    db: AsyncSession, state: str, code: str, now: datetime, browser_state: str | None
) -> LoginResult:
    """Check and consume the state, trade the code for tokens, and open a session.

    ``browser_state`` is the login cookie: a callback link started in another browser (a login
    CSRF that would sign the victim in as the attacker) is refused.
    """
    if not state or len(state) > 128 or not code:
        raise LoginFailed("the login callback is missing its state or code")
    verifier, next_url = await _consume_state(db, state, now)
    if not tokens.same_token(browser_state, state):
        raise LoginFailed(
            "this login was started in another browser (or its cookie expired);"
            " nothing changed, please sign in again here"
        )
    try:
        token_set = await discord_api.exchange_code(code, verifier, now)
        discord_id, name = await discord_api.fetch_user(token_set.access_token)
        accesses = await gather_access(db, token_set.access_token)
    except DiscordRejected as error:
        raise LoginFailed("Discord did not accept this login; please sign in again") from error
    user = await ensure_user(db, discord_id, name)
    await db.flush()
    await members.record_present(db, user.id, [a.discord_id for a in accesses], now)
    await sessions.purge_expired_sessions(db, now)
    new = await sessions.create_session(
        db, user.id, now, token_set, encode_access(accesses), cached_at=now
    )
    return LoginResult(new.cookie_value, next_url, user)

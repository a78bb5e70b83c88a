"""Clients and signed-in sessions for API tests (and the benchmark's seeding)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx

from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.models import utcnow
from game_scheduler.services.auth import sessions
from game_scheduler.services.auth.cookies import COOKIE_NAME
from game_scheduler.services.auth.membership import GuildAccess, encode_access
from game_scheduler.services.registry import ensure_user
from tests.fakes.discord_oauth import FakeDiscordOAuth

BASE_URL = "http://testserver"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class SignedIn:
    """What a signed-in client holds: the session cookie and the token its writes send."""

    cookie: str
    csrf_token: str


async def open_session(actor: Actor) -> SignedIn:
    """A session for ``actor`` written straight to the database.

    Its memberships are stamped an hour ahead, so they count as fresh for the whole test and
    no Discord is needed.
    """
    accesses = [
        GuildAccess(gid, f"Server {gid}", m.manage_guild, m.role_ids)
        for gid, m in actor.memberships.items()
    ]
    now = utcnow()
    async with get_db_session() as db:
        user = await ensure_user(db, actor.discord_id, actor.username)
        await db.flush()
        created = await sessions.create_session(
            db, user.id, now, None, encode_access(accesses), cached_at=now + timedelta(hours=1)
        )
    return SignedIn(created.cookie_value, created.web_session.csrf_token)


def signed_in_headers(signed_in: SignedIn | None) -> dict[str, str]:
    """The headers our own client sends: the cookie, and the CSRF token for writes."""
    if signed_in is None:
        return {}
    return {"Cookie": f"{COOKIE_NAME}={signed_in.cookie}", CSRF_HEADER: signed_in.csrf_token}


def client_for(app: object, signed_in: SignedIn | None = None) -> httpx.AsyncClient:
    """An httpx client talking to the app in-process, signed in when ``signed_in`` is given."""
    headers = signed_in_headers(signed_in)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers)


async def consent(authorize_url: str, user_id: int, *, deny: bool = False) -> str:
    """Play the browser on the fake Discord's consent page; returns the callback URL."""
    extra = "&deny=1" if deny else f"&login_as={user_id}"
    async with httpx.AsyncClient() as browser:
        response = await browser.get(authorize_url + extra)
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def sign_in(
    client: httpx.AsyncClient, fake: FakeDiscordOAuth, user_id: int, next_url: str = "/"
) -> httpx.Response:
    """The whole login: /auth/login, Discord's consent page, /auth/callback.

    Then, as our own client does, the CSRF token from /api/v1/me goes on every request.
    """
    start = await client.get("/auth/login", params={"next": next_url})
    assert start.status_code == 307, start.text
    callback = await consent(start.headers["location"], user_id)
    response = await client.get(callback)
    me = await client.get("/api/v1/me") if response.status_code == 303 else None
    if me is not None and me.status_code == 200:  # a Secure cookie does not go over http
        client.headers[CSRF_HEADER] = me.json()["csrf_token"]
    return response

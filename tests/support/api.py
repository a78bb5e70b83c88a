"""Clients and signed-in sessions for API tests (and the benchmark's seeding)."""

from __future__ import annotations

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


async def open_session(actor: Actor) -> str:
    """A session for ``actor`` written straight to the database; returns the cookie value.

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
    return created.cookie_value


def client_for(app: object, cookie: str | None = None) -> httpx.AsyncClient:
    """An httpx client talking to the app in-process, signed in when ``cookie`` is given."""
    headers = {"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie is not None else {}
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
    """The whole login: /auth/login, Discord's consent page, /auth/callback."""
    start = await client.get("/auth/login", params={"next": next_url})
    assert start.status_code == 307, start.text
    callback = await consent(start.headers["location"], user_id)
    return await client.get(callback)

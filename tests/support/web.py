"""Helpers for dashboard tests: signed-in clients, CSRF tokens read from pages, field errors."""

from __future__ import annotations

import html
import re

import httpx
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.models import Game
from game_scheduler.services.auth.cookies import COOKIE_NAME
from tests.support.api import BASE_URL, open_session


async def web_client(app: object, actor: Actor) -> httpx.AsyncClient:
    """A client signed in as ``actor`` (memberships fresh for the whole test).

    The session is in the cookie jar, like a browser's, so flash cookies travel with it.
    """
    cookie = (await open_session(actor)).cookie
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, cookies={COOKIE_NAME: cookie})


def csrf_from(page: str) -> str:
    """The CSRF token a page put in its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def csrf_for(client: httpx.AsyncClient) -> str:
    """The session's CSRF token, as the browser would find it on any page."""
    page = await client.get("/servers")
    assert page.status_code == 200, page.text
    return csrf_from(page.text)


def field_error(page: str, field: str) -> str | None:
    """The error shown next to a field (its ``id="<field>-error"`` paragraph), unescaped."""
    found = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', page)
    return html.unescape(found.group(1)) if found else None


def input_value(page: str, field: str) -> str | None:
    """The value a page refilled an input with."""
    found = re.search(rf'<input id="{field}" name="{field}" type="[^"]+" value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def flash_text(page: str) -> str | None:
    """The flash message shown at the top of a page."""
    found = re.search(r'<p class="flash flash-\w+" role="\w+">([^<]*)</p>', page)
    return html.unescape(found.group(1)) if found else None


async def stored_game(game_id: int) -> Game:
    """The game as the database has it now."""
    async with get_db_session() as db:
        return (await db.execute(select(Game).where(Game.id == game_id))).scalar_one()


async def all_games() -> list[Game]:
    """Every game in the database."""
    async with get_db_session() as db:
        return list((await db.execute(select(Game).order_by(Game.id))).scalars())

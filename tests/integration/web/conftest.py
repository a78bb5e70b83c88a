"""The composed HTTP app (API + dashboard) and signed-in clients for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from game_scheduler.app.http import create_http_app
from tests.support.factories import HOST_ID, member, player_id, seed_channel
from tests.support.web import web_client

CONSOLE = [
    {"at": datetime(2030, 1, 2, 18, 0, tzinfo=UTC), "target": "#game-night", "text": "First"},
    {"at": "2030-01-02 18:05", "target": "DM @alice", "text": "<b>Reminder</b>"},
]


@pytest.fixture
def app() -> FastAPI:
    return create_http_app(console_messages=lambda: CONSOLE)


@pytest.fixture
async def seeded(pg_db_url: str) -> None:
    await seed_channel()


@pytest.fixture
async def host(app: FastAPI, seeded: None) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in as the usual host: a plain member (no host roles are configured)."""
    async with await web_client(app, member(HOST_ID)) as client:
        yield client


@pytest.fixture
async def player(app: FastAPI, seeded: None) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in as another member of the server."""
    async with await web_client(app, member(player_id())) as client:
        yield client


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client

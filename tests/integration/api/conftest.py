"""The app, an in-process client, and a fake Discord for the login flow."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from game_scheduler.api.app import create_app
from game_scheduler.config import Settings
from tests.fakes.discord_oauth import CLIENT_ID, CLIENT_SECRET, FakeDiscordOAuth
from tests.support.api import BASE_URL, client_for


@pytest.fixture
async def fake_discord(configure: Callable[..., Settings]) -> AsyncIterator[FakeDiscordOAuth]:
    """A fake Discord on 127.0.0.1, with the app's settings pointed at it."""
    fake = FakeDiscordOAuth()
    await fake.start()
    configure(
        discord_api_base=fake.api_base,
        discord_oauth_url=fake.authorize_url,
        discord_client_id=CLIENT_ID,
        discord_client_secret=CLIENT_SECRET,
        public_url=BASE_URL,
    )
    yield fake
    await fake.stop()


@pytest.fixture
def app() -> FastAPI:
    return create_app()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Not signed in."""
    async with client_for(app) as c:
        yield c

"""A real server on PostgreSQL, the fake Discord for sign-in, and a headless Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from game_scheduler import database
from game_scheduler.app.http import create_http_app
from game_scheduler.config import Settings
from tests.fakes.discord_oauth import CLIENT_ID, CLIENT_SECRET, FakeDiscordOAuth
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, ServerThread
from tests.support.factories import seed_channel


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():  # noqa: ASYNC240 (once per session)
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def live(
    pg_db_url: str, configure: Callable[..., Settings]
) -> AsyncIterator[tuple[ServerThread, FakeDiscordOAuth]]:
    """The composed app served for real, signing in through the fake Discord."""
    fake = FakeDiscordOAuth()
    await fake.start()
    await seed_channel()
    # The server's thread makes its own engine: none may be shared across event loops.
    await database.dispose_engines()
    server = ServerThread(create_http_app())
    configure(
        discord_api_base=fake.api_base,
        discord_oauth_url=fake.authorize_url,
        discord_client_id=CLIENT_ID,
        discord_client_secret=CLIENT_SECRET,
        public_url=server.url,
    )
    server.start()
    yield server, fake
    server.stop()
    await fake.stop()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile in New York time, so local and UTC times differ."""
    ctx = await browser.new_context(
        timezone_id="America/New_York", locale="en-GB", viewport={"width": 1000, "height": 900}
    )
    ctx.set_default_timeout(10_000)
    yield ctx
    await ctx.close()

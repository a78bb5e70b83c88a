"""The game page's three answers in Chromium: Maybe, Can't make it, then Join."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import expect

from game_scheduler.database import get_sync_db_session
from game_scheduler.models import utcnow
from tests.e2e.test_dashboard_browser import _sign_in
from tests.support.factories import GUILD_ID
from tests.support.seeding import seed_games

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAYER_ID = 610_000_000_000_000_042


async def test_a_player_answers_maybe_then_cant_then_joins(context, live):
    _, fake = live
    fake.add_user(PLAYER_ID, "ditherer")
    fake.join(PLAYER_ID, GUILD_ID, "Test Server")
    with get_sync_db_session() as db:
        [game] = seed_games(db, [utcnow() + timedelta(days=2)], players=0, waitlisted=0)
    page = await _sign_in(context, live, PLAYER_ID)
    server, _ = live
    await page.goto(f"{server.url}/games/{game.game_id}")

    await page.get_by_role("button", name="Maybe").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Noted: maybe. You hold no seat; join to take one."
    )
    await expect(page.locator("#maybe-heading")).to_have_text("Maybe (1)")
    await expect(page.get_by_role("button", name="Maybe")).to_have_count(0)

    await page.get_by_role("button", name="Can't make it").click()
    await expect(page.locator("#declined-heading")).to_have_text("Can't (1)")
    await expect(page.locator("#maybe-heading")).to_have_text("Maybe (0)")

    await page.get_by_role("button", name="Join", exact=True).click()
    await expect(page.get_by_role("status")).to_have_text("You joined: you have a seat.")
    await expect(page.locator("#players-heading")).to_have_text("Players (1/1)")
    await expect(page.locator("#declined-heading")).to_have_text("Can't (0)")

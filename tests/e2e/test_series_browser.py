"""A weekly series from the dashboard in Chromium: the browser's zone is kept, then it is ended."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from game_scheduler.database import get_sync_db_session
from game_scheduler.models import Game, GameSeries, GameStatus
from tests.e2e.test_dashboard_browser import HOST_ID, NEW_YORK, _local, _sign_in
from tests.support.factories import GUILD_ID

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_host_creates_a_weekly_series_in_their_zone_and_ends_it(context, live):
    _, fake = live
    fake.add_user(HOST_ID, "hostess")
    fake.join(HOST_ID, GUILD_ID, "Test Server")
    page = await _sign_in(context, live, HOST_ID)
    await page.get_by_role("link", name="New game").click()
    await page.get_by_label("Title").fill("Tuesday D&D")
    start_value, start_utc = _local(datetime.now(NEW_YORK) + timedelta(days=3), 20, 0)
    await page.get_by_label("Starts").fill(start_value)
    await expect(page.get_by_label("Time zone", exact=True)).to_have_value("America/New_York")
    await page.get_by_label("How often").select_option("weekly")
    await page.get_by_label("Ends").select_option("count")
    await page.get_by_label("Number of games").fill("5")
    await page.get_by_role("button", name="Create game").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Series created: the next games appear ahead of time."
    )
    with get_sync_db_session() as db:
        plan = db.execute(select(GameSeries)).scalar_one()
        game = db.execute(select(Game)).scalar_one()
    assert plan.zone == "America/New_York"
    assert plan.rrule.endswith("COUNT=5")
    assert game.scheduled_at == start_utc
    assert game.series_id == plan.id

    await page.get_by_role("button", name="End the series (cancels every coming game)").click()
    await expect(page.get_by_role("status")).to_contain_text("The series has ended")
    with get_sync_db_session() as db:
        assert db.execute(select(Game.status)).scalar_one() is GameStatus.CANCELLED

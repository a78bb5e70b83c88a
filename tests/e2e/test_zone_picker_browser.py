"""The zone picker in Chromium (browser in New York): your zone, the browser's, a round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from tests.e2e.test_dashboard_browser import _game, _sign_in
from tests.support.factories import GUILD_ID

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BERLIN = ZoneInfo("Europe/Berlin")
HOST_ID = 610_000_000_000_000_011


async def test_zone_picker_round_trip(context, live):
    _, fake = live
    fake.add_user(HOST_ID, "zonehost")
    fake.join(HOST_ID, GUILD_ID, "Test Server")
    page = await _sign_in(context, live, HOST_ID)

    # No zone saved anywhere: the form starts on the browser's zone and names it.
    await page.get_by_role("link", name="New game").click()
    await expect(page.get_by_label("Time zone", exact=True)).to_have_value("America/New_York")
    await expect(page.locator("[data-tz-name]")).to_have_text("America/New_York")
    await page.get_by_label("Time zone", exact=True).select_option("Asia/Tokyo")
    await expect(page.locator("[data-tz-name]")).to_have_text("Asia/Tokyo")

    # Saved on the account page, the user's zone wins over the browser's.
    await page.get_by_role("link", name="My time zone").click()
    await page.get_by_label("Time zone", exact=True).select_option("Europe/Berlin")
    await page.get_by_role("button", name="Save time zone").click()
    await expect(page.get_by_role("status")).to_have_text("Your time zone is now Europe/Berlin.")
    await page.goto(page.url.split("/me/")[0] + f"/servers/{GUILD_ID}/games/new")
    await expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/Berlin")
    await expect(page.locator("[data-tz-name]")).to_have_text("Europe/Berlin")

    day = datetime.now(BERLIN) + timedelta(days=9)
    local = datetime(day.year, day.month, day.day, 20, 0, tzinfo=BERLIN)
    await page.get_by_label("Title").fill("Berlin night")
    await page.get_by_label("Starts").fill(local.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_role("button", name="Create game").click()
    await expect(page.get_by_role("status")).to_have_text("Game created.")
    assert _game().scheduled_at == local.astimezone(UTC)

    # The edit form shows the stored UTC time back in the zone it was typed in.
    await page.get_by_role("link", name="Edit").click()
    await expect(page.get_by_label("Starts")).to_have_value(local.strftime("%Y-%m-%dT%H:%M"))
    await expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/Berlin")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.get_by_role("status")).to_have_text("Game updated.")
    assert _game().scheduled_at == local.astimezone(UTC)

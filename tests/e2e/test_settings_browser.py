"""Seat and quorum settings in Chromium: every control is reachable by its label, every group has
a legend, and what a manager picks is what is stored."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from game_scheduler.database import get_sync_db_session
from game_scheduler.models import Guild
from tests.e2e.test_dashboard_browser import _sign_in
from tests.support.factories import GUILD_ID

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MANAGER_ID = 610_000_000_000_000_077
MANAGE_GUILD = 1 << 5

UNLABELLED = """() => [...document.querySelectorAll('form input, form select, form textarea')]
  .filter(el => el.type !== 'hidden' && el.labels.length === 0)
  .map(el => el.name)"""
WITHOUT_LEGEND = """() => [...document.querySelectorAll('fieldset')]
  .filter(f => !f.querySelector(':scope > legend'))
  .map(f => f.outerHTML.slice(0, 80))"""


async def _accessible(page: Page) -> None:
    assert await page.evaluate(UNLABELLED) == []
    assert await page.evaluate(WITHOUT_LEGEND) == []


async def test_a_manager_sets_offers_and_a_quorum_by_their_labels(context, live):
    server, fake = live
    fake.add_user(MANAGER_ID, "boss")
    fake.join(MANAGER_ID, GUILD_ID, "Test Server", permissions=MANAGE_GUILD)
    page = await _sign_in(context, live, MANAGER_ID)
    await page.goto(f"{server.url}/servers/{GUILD_ID}/settings")
    await _accessible(page)
    seats = page.get_by_role("group", name="Freed seats")
    await seats.get_by_label("When a seat frees up").select_option("offer")
    await seats.get_by_label("Time to accept an offered seat (minutes)").fill("0")
    quorum = page.get_by_role("group", name="Quorum")
    await quorum.get_by_label("Quorum deadline (minutes before the start)").fill("720")
    await quorum.get_by_label("A game still short of players at its deadline").select_option(
        "cancel"
    )
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.locator("#offer_window_minutes-error")).to_contain_text("between 1 and")
    await expect(page.locator(".error-summary li")).to_have_count(1)
    await expect(page.get_by_label("When a seat frees up")).to_have_value("offer")  # kept
    await _accessible(page)
    await page.get_by_label("Time to accept an offered seat (minutes)").fill("40")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.get_by_role("status")).to_have_text("Settings saved.")
    with get_sync_db_session() as db:
        guild = db.execute(select(Guild)).scalar_one()
        assert (guild.seat_mode, guild.offer_window_minutes) == ("offer", 40)
        assert (guild.quorum_deadline_minutes, guild.quorum_action) == (720, "cancel")

    await page.goto(f"{server.url}/servers/{GUILD_ID}/games/new")
    await _accessible(page)
    group = page.get_by_role("group", name="Quorum, seats and reminders")
    await expect(group.get_by_label("When a seat frees up")).to_have_value("")

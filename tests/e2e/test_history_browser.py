"""The Past tab in Chromium: a finished game with its roster, attendance marked and counted."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Route, expect

from tests.support.factories import GUILD_ID, member
from tests.support.history import past_game

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOST_ID = 610_000_000_000_000_031


async def test_host_marks_attendance_from_the_past_tab(context, live):
    server, fake = live
    fake.add_user(HOST_ID, "hostess")
    fake.join(HOST_ID, GUILD_ID, "Test Server")
    game_id, (alice, bob) = await past_game(member(HOST_ID), 2, title="Catan night")

    async def consent_as_host(route: Route) -> None:
        response = await route.fetch(max_redirects=0)
        location = response.headers["location"]
        await route.fulfill(
            status=response.status, headers={"location": f"{location}&login_as={HOST_ID}"}
        )

    await context.route(re.compile(rf"^{re.escape(server.url)}/auth/login\b"), consent_as_host)
    page = await context.new_page()
    await page.goto(f"{server.url}/servers/{GUILD_ID}")
    await page.get_by_role("link", name="Sign in with Discord").click()
    await expect(page).to_have_url(f"{server.url}/servers/{GUILD_ID}")

    await page.get_by_role("navigation", name="Games").get_by_role("link", name="Past").click()
    card = page.locator(f'[data-game-id="{game_id}"]')
    await expect(card).to_contain_text(f"Players: user{alice % 1000}, user{bob % 1000}")
    await card.get_by_role("link", name="Mark attendance").click()

    await page.get_by_role("group", name=f"user{alice % 1000}").get_by_label("Came").check()
    await page.get_by_role("group", name=f"user{bob % 1000}").get_by_label("No-show").check()
    await page.get_by_role("button", name="Save attendance").click()
    await expect(page.get_by_role("status")).to_have_text("Attendance saved.")

    await page.get_by_role("link", name="← Catan night").click()
    await page.get_by_role("link", name="← Test Server").click()
    await page.get_by_role("navigation", name="Games").get_by_role("link", name="Past").click()
    await expect(card).to_contain_text(f"user{alice % 1000} (Came), user{bob % 1000} (No-show)")
    await expect(card.get_by_role("link", name="Change attendance")).to_be_visible()
    await expect(page.locator("[data-server-stats]")).to_contain_text("No-shows: 1")

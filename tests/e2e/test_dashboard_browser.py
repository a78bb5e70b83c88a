"""The dashboard in Chromium: sign in through Discord, create, list, join, leave, edit, cancel.

A real uvicorn server on PostgreSQL; the browser runs in New York time, so every time typed or
shown goes through the browser's zone and is stored in UTC.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import BrowserContext, Page, Route, expect
from sqlalchemy import select

from game_scheduler import database
from game_scheduler.app.http import create_http_app
from game_scheduler.database import get_sync_db_session
from game_scheduler.models import Game, GameStatus
from game_scheduler.services.auth.demo import (
    DEMO_CHANNEL_ID,
    DEMO_GUILD_ID,
    DEMO_MEMBER_ID,
    DEMO_USER_ID,
)
from tests.fakes.discord_oauth import FakeDiscordOAuth
from tests.support.browser import ServerThread
from tests.support.factories import GUILD_ID

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEW_YORK = ZoneInfo("America/New_York")
HOST_ID = 610_000_000_000_000_001
PLAYER_ID = 610_000_000_000_000_002
EVIL_ORIGIN = "http://127.0.0.1:9"


def _game() -> Game:
    with get_sync_db_session() as db:
        return db.execute(select(Game)).scalar_one()


async def _sign_in(
    context: BrowserContext, live: tuple[ServerThread, FakeDiscordOAuth], user_id: int
) -> Page:
    """Open the server page, get sent to sign in, and consent on the fake Discord as the user."""
    server, fake = live

    async def consent_as_user(route: Route) -> None:
        # The fake's consent page picks the account from login_as, as a person clicking would;
        # Playwright does not intercept redirects, so amend /auth/login's redirect instead.
        response = await route.fetch(max_redirects=0)
        location = response.headers["location"]
        assert location.startswith(fake.authorize_url)
        await route.fulfill(
            status=response.status, headers={"location": f"{location}&login_as={user_id}"}
        )

    await context.route(re.compile(rf"^{re.escape(server.url)}/auth/login\b"), consent_as_user)
    page = await context.new_page()
    await page.goto(f"{server.url}/servers/{GUILD_ID}")
    await expect(page).to_have_url(re.compile(r"/signin\?next="))
    await page.get_by_role("link", name="Sign in with Discord").click()
    await expect(page).to_have_url(f"{server.url}/servers/{GUILD_ID}")
    return page


def _local(day: datetime, hour: int, minute: int) -> tuple[str, datetime]:
    """A datetime-local value in New York and the UTC instant it means."""
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK)
    return local.strftime("%Y-%m-%dT%H:%M"), local.astimezone(UTC)


async def test_host_creates_edits_and_cancels_a_game(context, live):
    _, fake = live
    fake.add_user(HOST_ID, "hostess")
    fake.join(HOST_ID, GUILD_ID, "Test Server")
    page = await _sign_in(context, live, HOST_ID)
    await expect(page.get_by_role("heading", name="Test Server")).to_be_visible()
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    await page.get_by_role("link", name="New game").click()
    await page.get_by_label("Title").fill("Gloomhaven")
    day = datetime.now(NEW_YORK) + timedelta(days=7)
    past = (datetime.now(NEW_YORK) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    await page.get_by_label("Starts").fill(past)
    await page.get_by_label("Reminders (minutes before the start)").fill("60, soon")
    await page.get_by_role("button", name="Create game").click()
    offsets_error = page.locator("#reminder_offsets-error")
    await expect(offsets_error).to_contain_text("separated by commas")
    # Both problems in one answer, not one per submit.
    await expect(page.locator("#scheduled_at-error")).to_have_text(
        "start time must be in the future"
    )
    await expect(page.locator("[data-focus]")).to_be_focused()
    await expect(page.get_by_label("Title")).to_have_value("Gloomhaven")

    await page.get_by_label("Reminders (minutes before the start)").fill("60, 10")
    await page.get_by_role("button", name="Create game").click()
    await expect(page.locator("#scheduled_at-error")).to_have_text(
        "start time must be in the future"
    )
    await expect(page.locator("#reminder_offsets-error")).to_have_count(0)

    start_value, start_utc = _local(day, 19, 30)
    await page.get_by_label("Starts").fill(start_value)
    await page.get_by_label("Max players").fill("4")
    await page.get_by_role("button", name="Create game").click()
    await expect(page.get_by_role("status")).to_have_text("Game created.")
    game = _game()
    assert game.scheduled_at == start_utc
    assert game.reminder_offsets == [60, 10]
    await expect(page.locator("dd time")).to_contain_text("19:30")

    await page.get_by_role("link", name="← Test Server").click()
    await expect(page.get_by_role("link", name="Gloomhaven")).to_be_visible()
    await expect(page.locator(".game-card time")).to_contain_text("19:30")
    await page.get_by_role("link", name="Gloomhaven").click()

    await page.get_by_role("button", name="Join", exact=True).click()
    await expect(page.get_by_role("status")).to_have_text("You joined: you have a seat.")
    await expect(page.locator(".people")).to_contain_text("hostess")
    await page.get_by_role("button", name="Leave").click()
    await expect(page.get_by_role("status")).to_have_text("You left the game.")
    await expect(page.get_by_text("Nobody yet.")).to_be_visible()

    await page.get_by_role("link", name="Edit").click()
    await expect(page.get_by_label("Starts")).to_have_value(start_value)  # shown in local time
    await page.get_by_label("Title").fill("Gloomhaven: Jaws of the Lion")
    moved_value, moved_utc = _local(day + timedelta(days=1), 20, 15)
    await page.get_by_label("Starts").fill(moved_value)
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.get_by_role("status")).to_have_text("Game updated.")
    await expect(page.get_by_role("heading", name="Gloomhaven: Jaws of the Lion")).to_be_visible()
    assert _game().scheduled_at == moved_utc

    await page.get_by_role("link", name="Cancel game").click()
    await expect(page.get_by_text("This cannot be undone")).to_be_visible()
    await page.get_by_role("button", name="Yes, cancel the game").click()
    await expect(page.get_by_role("status")).to_contain_text("The game is cancelled")
    await expect(page.locator(".badge-cancelled")).to_be_visible()
    assert _game().status is GameStatus.CANCELLED
    await page.get_by_role("link", name="← Test Server").click()
    await expect(page.get_by_text("No upcoming games")).to_be_visible()


async def test_forged_posts_are_rejected(context, live):
    server, fake = live
    fake.add_user(HOST_ID, "hostess")
    fake.join(HOST_ID, GUILD_ID, "Test Server")
    page = await _sign_in(context, live, HOST_ID)
    await page.get_by_role("link", name="New game").click()
    await page.get_by_label("Title").fill("Target")
    start_value, _ = _local(datetime.now(NEW_YORK) + timedelta(days=2), 18, 0)
    await page.get_by_label("Starts").fill(start_value)
    await page.get_by_role("button", name="Create game").click()
    await expect(page.get_by_role("status")).to_have_text("Game created.")
    game_id = _game().id

    # Another site (same host, other port: same-site, so the cookie goes along) posts a form.
    evil = (
        f'<form method="post" action="{server.url}/games/{game_id}/cancel">'
        '<input name="csrf_token" value="guessed"></form>'
        "<script>document.forms[0].submit()</script>"
    )

    async def serve_evil(route: Route) -> None:
        await route.fulfill(status=200, content_type="text/html", body=evil)

    await context.route(f"{EVIL_ORIGIN}/**", serve_evil)
    attacker = await context.new_page()
    await attacker.goto(f"{EVIL_ORIGIN}/prize")
    await expect(attacker.get_by_role("heading", name="Form rejected")).to_be_visible()
    assert _game().status is GameStatus.SCHEDULED

    # Our own page with its token tampered with is refused too.
    await page.goto(f"{server.url}/games/{game_id}/cancel")
    await page.locator('#main input[name="csrf_token"]').evaluate("input => input.value = 'forged'")
    await page.get_by_role("button", name="Yes, cancel the game").click()
    await expect(page.get_by_role("heading", name="Form rejected")).to_be_visible()
    assert _game().status is GameStatus.SCHEDULED


async def test_a_second_player_waits_and_is_promoted(context, live):
    _, fake = live
    for user_id, name in ((HOST_ID, "hostess"), (PLAYER_ID, "latecomer")):
        fake.add_user(user_id, name)
        fake.join(user_id, GUILD_ID, "Test Server")
    page = await _sign_in(context, live, HOST_ID)
    await page.get_by_role("link", name="New game").click()
    await page.get_by_label("Title").fill("Duel")
    start_value, _ = _local(datetime.now(NEW_YORK) + timedelta(days=3), 21, 0)
    await page.get_by_label("Starts").fill(start_value)
    await page.get_by_label("Max players").fill("1")
    await page.get_by_role("button", name="Create game").click()
    await page.get_by_role("button", name="Join", exact=True).click()
    await expect(page.get_by_role("status")).to_have_text("You joined: you have a seat.")

    assert context.browser is not None
    other_context = await context.browser.new_context(timezone_id="Europe/Paris", locale="en-GB")
    other = await _sign_in(other_context, live, PLAYER_ID)
    await other.get_by_role("link", name="Duel").click()
    await other.get_by_role("button", name="Join the waitlist").click()
    await expect(other.get_by_role("status")).to_contain_text("number 1 on the waitlist")
    await expect(other.locator("#waitlist-heading")).to_have_text("Waitlist (1)")

    await page.get_by_role("button", name="Leave").click()
    await other.reload()
    await expect(other.get_by_text("You have a seat")).to_be_visible()
    await expect(other.locator("#players-heading")).to_have_text("Players (1/1)")
    await other_context.close()


async def test_a_refused_form_lists_every_problem_and_a_reload_does_not_post(context, live):
    server, fake = live
    fake.add_user(HOST_ID, "hostess")
    fake.join(HOST_ID, GUILD_ID, "Test Server")
    page = await _sign_in(context, live, HOST_ID)
    await page.get_by_role("link", name="New game").click()
    past = (datetime.now(NEW_YORK) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    await page.get_by_label("Starts").fill(past)
    await page.get_by_label("Max players").fill("2")
    await page.get_by_label("Min players").fill("5")
    # A paste past the limit is kept whole and the counter says by how much it is too long.
    where = page.get_by_label("Where")
    # The deferred script swaps maxlength for the counter; before it has run a paste is cut at 200.
    await expect(where).to_have_attribute("data-limit", "200")
    await where.fill("x" * 250)
    await expect(where).to_have_value("x" * 250)
    counter = page.locator('[data-counter-for="location"]')
    await expect(counter).to_have_text("250 / 200 characters: 50 too many")
    await expect(counter).to_have_class(re.compile(r"\bover\b"))
    await page.get_by_role("button", name="Create game").click()

    summary = page.locator(".error-summary li")
    await expect(summary).to_have_count(4)  # title, start, min players, where
    for field in ("title", "scheduled_at", "min_players", "location"):
        await expect(page.locator(f"#{field}-error")).to_be_visible()
    await expect(page).to_have_title(re.compile(r"^Fix 4 problems — New game"))
    await expect(page).to_have_url(f"{server.url}/servers/{GUILD_ID}/games/new")

    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method))
    await page.reload()
    await expect(page.get_by_role("heading", name="New game")).to_be_visible()
    assert "POST" not in methods
    with get_sync_db_session() as db:
        assert db.execute(select(Game)).first() is None


STARTS = int((datetime.now(UTC) + timedelta(hours=3)).timestamp())
ANNOUNCEMENT = (
    f"## Catan night\nWhen: <t:{STARTS}:F> (<t:{STARTS}:R>)\nHost: <@{DEMO_USER_ID}>\n"
    f"Players (1/4): <@{DEMO_MEMBER_ID}>\nHow to join: Press **Join** to take a seat.\n"
    "(Game #7)\n[Join] [Leave]"
)
DM = (
    f"Reminder: **Catan night** starts <t:{STARTS}:R> (<t:{STARTS}:F>).\n"
    f"https://discord.com/channels/{DEMO_GUILD_ID}/{DEMO_CHANNEL_ID}"
)


def _console_feed() -> list[dict[str, object]]:
    at = datetime.now(UTC)
    channel, user = f"channel {DEMO_CHANNEL_ID}", f"user {DEMO_MEMBER_ID}"
    return [
        {"at": at, "action": "post", "target": channel, "text": ANNOUNCEMENT, "game_id": 7},
        {"at": at, "action": "edit", "target": channel, "text": ANNOUNCEMENT, "game_id": 7},
        {"at": at, "action": "edit", "target": channel, "text": ANNOUNCEMENT, "game_id": 7},
        {"at": at, "action": "dm", "target": user, "text": DM},
    ]


@pytest.fixture
async def demo_live(pg_db_url: str, configure) -> AsyncIterator[ServerThread]:
    """``up``'s dashboard: demo sign-in, a console bot's messages, no Discord."""
    configure(discord_client_id="")
    await database.dispose_engines()
    server = ServerThread(create_http_app(console_messages=_console_feed, demo_login=True))
    configure(discord_client_id="", public_url=server.url)
    server.start()
    yield server
    server.stop()


async def _no_sideways_scroll(page: Page) -> bool:
    return bool(
        await page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


async def test_the_console_shows_messages_as_discord_would(context, demo_live):
    page = await context.new_page()
    await page.goto(f"{demo_live.url}/signin")
    # The plain member of the demo server, chosen on the sign-in page.
    await page.get_by_label("Ada").check()
    await page.get_by_role("button", name="Sign in as demo user").click()
    await expect(page.locator(".who")).to_have_text("Ada")
    await expect(page.get_by_role("link", name="Settings")).to_have_count(0)

    await page.get_by_role("link", name="Bot console").click()
    post, dm = page.locator(".console-post"), page.locator(".console-dm")
    await expect(page.locator(".console li")).to_have_count(2)  # post + 2 identical edits, a DM
    await expect(post.locator(".meta")).to_contain_text("posted in #game-night")
    await expect(post.locator(".meta .badge")).to_have_text("\u00d73 identical")
    await expect(post.locator(".mention")).to_have_text(["@Demo Player", "@Ada"])
    await expect(post.locator(".md-h2")).to_have_text("Catan night")
    await expect(post.locator("strong", has_text="Join")).to_be_visible()
    await expect(post.locator(".discord-text")).not_to_contain_text("<@")
    await expect(post.locator(".discord-text")).not_to_contain_text("**")
    # Times in the reader's zone (New York here), the relative one in words.
    stamps = post.locator("time[data-discord-time]")
    await expect(stamps.first).not_to_contain_text("UTC")
    await expect(stamps.nth(1)).to_have_text(re.compile(r"^in (3 hours|2 hours|180 minutes)"))
    await expect(dm.locator(".meta")).to_contain_text("DM to Ada")
    await expect(dm.locator(".meta time")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))

    await page.get_by_label("Show").select_option("dms")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator(".console li")).to_have_count(1)
    await expect(page.locator(".console-dm")).to_be_visible()
    await page.get_by_label("Show").select_option("")
    await page.get_by_label("Game").select_option(label="Catan night")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator(".console li")).to_have_count(2)  # its post and the reminder DM

    await page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/console", f"/servers/{DEMO_GUILD_ID}", "/signin"):
        await page.goto(f"{demo_live.url}{path}")
        assert await _no_sideways_scroll(page), path

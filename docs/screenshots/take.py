"""Take the README's dashboard screenshots: ``python docs/screenshots/take.py`` (needs Chromium).

Serves the dashboard on a throwaway SQLite database seeded with a few demo games (and the
console bot's announcements of them), signs in as the demo user in headless Chromium and saves
dashboard.png (a server's games), game.png, signin.png (the demo's "Sign in as"),
form-errors.png (a refused form), console.png and console-phone.png (the Bot console).
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKDIR = Path(tempfile.mkdtemp(prefix="gs-screens-"))
DB_URL = f"sqlite:///{WORKDIR / 'demo.db'}"
os.environ.update(DATABASE_URL=DB_URL, DISCORD_CLIENT_ID="", SECRET_KEY="screenshots")  # noqa: S106

import uvicorn  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from game_scheduler import migrate  # noqa: E402
from game_scheduler.app.http import create_http_app  # noqa: E402
from game_scheduler.app.up import console_feed  # noqa: E402
from game_scheduler.bot.console_port import ConsolePort  # noqa: E402
from game_scheduler.bot.embeds import build_announcement  # noqa: E402
from game_scheduler.config import get_settings  # noqa: E402
from game_scheduler.database import dispose_engines, get_db_session  # noqa: E402
from game_scheduler.domain.permissions import Actor  # noqa: E402
from game_scheduler.services import games, registry, signups  # noqa: E402
from game_scheduler.services.auth import demo  # noqa: E402
from game_scheduler.services.loading import load_game  # noqa: E402

PLAYERS = ["Ada", "Brann", "Cyra", "Dov", "Elin", "Faro", "Gus"]
BOARD_GAMES_CHANNEL = demo.DEMO_CHANNEL_ID + 1
CONSOLE = ConsolePort()


async def announce(game_ids: list[int]) -> None:
    """What the console bot posts for the games, and a reminder DM for the first one."""
    for game_id in game_ids:
        async with get_db_session() as db:
            game = await load_game(db, game_id)
        await CONSOLE.post_announcement(game.channel.discord_id, build_announcement(game), "n")
    async with get_db_session() as db:
        first = await load_game(db, game_ids[0])
    start = int(first.scheduled_at.timestamp())
    text = (
        f"Reminder: **{first.title}** starts <t:{start}:R> (<t:{start}:F>).\n"
        f"https://discord.com/channels/{demo.DEMO_GUILD_ID}/{first.channel.discord_id}"
    )
    await CONSOLE.send_dm(first.participants[0].user.discord_id, text, "r")


async def seed() -> int:
    """A demo server with two channels and a few games; returns the game to show in detail."""
    host = Actor.member_of(
        demo.DEMO_USER_ID, demo.DEMO_GUILD_ID, manage_guild=True, username=demo.DEMO_USER_NAME
    )
    async with get_db_session() as db:
        await demo.seed_demo_server(db)
        guild = await registry.ensure_guild(db, demo.DEMO_GUILD_ID)
        await registry.ensure_channel(db, guild, BOARD_GAMES_CHANNEL, "board-games")
        await db.commit()
    today = datetime.now(UTC).replace(hour=18, minute=0, second=0, microsecond=0)
    plans = [
        ("Catan night", demo.DEMO_CHANNEL_ID, 1, 4, 5, "Table by the window"),
        ("Gloomhaven: scenario 12", BOARD_GAMES_CHANNEL, 2, 4, 3, "Discord voice"),
        ("Among Us lobby", demo.DEMO_CHANNEL_ID, 3, 10, 7, "Voice: Lobby"),
        ("Terraforming Mars", BOARD_GAMES_CHANNEL, 6, 5, 2, ""),
    ]
    shown = 0
    created = []
    async with get_db_session() as db:
        for index, (title, channel, days, cap, players, location) in enumerate(plans):
            draft = games.GameDraft(
                channel_discord_id=channel,
                title=title,
                scheduled_at=today + timedelta(days=days, hours=index),
                max_players=cap,
                location=location,
                description="Bring snacks. New players welcome: we explain the rules.",
            )
            game = await games.create_game(db, host, draft)
            for n in range(players):
                player_id = 300_000_000_000_000_000 + n
                await signups.add_player(db, host, game.id, player_id, PLAYERS[n])
            shown = shown or game.id
            created.append(game.id)
    await announce(created)
    await dispose_engines()
    return shown


def serve() -> tuple[uvicorn.Server, threading.Thread, str]:
    """The dashboard in demo mode on a free port, in a thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    os.environ["PUBLIC_URL"] = url
    get_settings.cache_clear()
    app = create_http_app(demo_login=True, console_messages=console_feed(CONSOLE))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, url


def main() -> None:
    """Seed, serve, sign in, and save the two pictures."""
    migrate.upgrade(DB_URL)
    game_id = asyncio.run(seed())
    server, thread, url = serve()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
            )
            page = browser.new_page(
                viewport={"width": 1100, "height": 720},
                locale="en-GB",
                timezone_id="Europe/Berlin",
                color_scheme="light",
            )
            page.goto(f"{url}/signin")
            page.screenshot(path=HERE / "signin.png")
            page.get_by_role("button", name="Sign in as demo user").click()
            page.wait_for_url(f"{url}/servers/{demo.DEMO_GUILD_ID}")
            page.goto(page.url)  # again, without the sign-in message
            page.screenshot(path=HERE / "dashboard.png")
            page.goto(f"{url}/games/{game_id}")
            page.screenshot(path=HERE / "game.png", full_page=True)
            page.goto(f"{url}/servers/{demo.DEMO_GUILD_ID}/games/new")
            page.get_by_label("Min players").fill("12")
            page.get_by_label("Where").fill("A very long address, " * 12)
            page.get_by_label("Reminders (minutes before the start)").fill("60, soon")
            page.get_by_role("button", name="Create game").click()
            page.screenshot(path=HERE / "form-errors.png", full_page=True)
            page.goto(f"{url}/console")
            page.screenshot(path=HERE / "console.png")
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=HERE / "console-phone.png")
            browser.close()
    finally:
        server.should_exit = True
        thread.join()
    print(f"saved the screenshots in {HERE}")


if __name__ == "__main__":
    main()

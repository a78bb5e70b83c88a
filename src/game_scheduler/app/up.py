"""``game-scheduler up``: api, dashboard, bot and scheduler in one process, on SQLite by default."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import uvicorn

from game_scheduler import migrate
from game_scheduler.app.demo import seed_demo_games
from game_scheduler.app.embedded_scheduler import EmbeddedScheduler
from game_scheduler.app.http import create_http_app
from game_scheduler.bot.console_port import ConsolePort
from game_scheduler.bot.handlers import BotHandlers
from game_scheduler.bot.runtime import DiscordBot
from game_scheduler.config import get_settings
from game_scheduler.database import dispose_engines
from game_scheduler.messaging.bus import InProcessBus
from game_scheduler.web.app import ConsoleFeed

log = logging.getLogger(__name__)


def build_parser(command: str) -> argparse.ArgumentParser:
    """Arguments of ``game-scheduler up``."""
    parser = argparse.ArgumentParser(
        prog=f"game-scheduler {command}",
        description="Run everything in one process: no PostgreSQL, RabbitMQ or Discord needed.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument("--demo", action="store_true", help="seed a demo server with a few games")
    return parser


def _console_feed(port: ConsolePort) -> ConsoleFeed:
    def feed() -> Sequence[Mapping[str, Any]]:
        return [
            {"at": m.sent_at, "target": m.target, "text": f"[{m.action}] {m.text}"}
            for m in port.messages
        ]

    return feed


async def serve(host: str, port: int, *, demo: bool, started: asyncio.Event | None = None) -> None:
    """Run until the server is told to stop (Ctrl-C / SIGTERM), then shut every part down."""
    settings = get_settings()
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    discord_bot: DiscordBot | None = None
    console: ConsolePort | None = None
    if token:
        discord_bot = DiscordBot(token, settings=settings)
        handlers = discord_bot.handlers
    else:
        console = ConsolePort()
        handlers = BotHandlers(console)
    bus = InProcessBus(handlers.mapping())
    scheduler = EmbeddedScheduler(bus.sync_adapter())
    app = create_http_app(
        event_publisher=bus,
        console_messages=_console_feed(console) if console is not None else None,
        demo_login=True,
    )
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    await bus.start()
    resync = asyncio.create_task(handlers.keeper.resync_until_done())
    try:
        if discord_bot is not None:
            await discord_bot.start()
        if demo:
            await seed_demo_games()
        scheduler.start()
        serving = asyncio.create_task(server.serve())
        # uvicorn exposes readiness only as a flag.
        while not server.started and not serving.done():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        if server.started:
            bot = "Discord bot" if discord_bot is not None else "console bot (no DISCORD_TOKEN)"
            print(
                f"Game Scheduler is up at http://{host}:{port}/ with the {bot}; Ctrl-C stops it.",
                flush=True,
            )
            if started is not None:
                started.set()
        await serving
    finally:
        scheduler.stop()
        await bus.stop()
        resync.cancel()
        await handlers.keeper.close(grace=5.0)
        if discord_bot is not None:
            await discord_bot.close()
        await dispose_engines()


def main(command: str, argv: list[str]) -> int:
    """Migrate the database, then serve until interrupted."""
    args = build_parser(command).parse_args(argv)
    migrate.upgrade()
    log.info("database ready: %s", get_settings().database_url.split("@")[-1])
    # uvicorn re-raises the Ctrl-C it handled once every part has shut down.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, demo=args.demo))
    print("Game Scheduler stopped.", flush=True)
    return 0

"""``game-scheduler up``: api, dashboard, bot and scheduler in one process, on SQLite by default."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import socket
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import uvicorn

from game_scheduler import migrate
from game_scheduler.app.banner import start_banner
from game_scheduler.app.demo import seed_demo_games
from game_scheduler.app.embedded_scheduler import EmbeddedScheduler
from game_scheduler.app.http import create_http_app
from game_scheduler.app.listening import PortUnavailable, bind_listener, url_of
from game_scheduler.app.local_secret import use_local_secret_key
from game_scheduler.bot.announcements import AnnouncementKeeper
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


def console_feed(port: ConsolePort) -> ConsoleFeed:
    """The console bot's messages, as the dashboard's Console page reads them."""

    def feed() -> Sequence[Mapping[str, Any]]:
        return [
            {
                "at": m.sent_at,
                "action": m.action,
                "target": m.target,
                "text": m.text,
                "game_id": m.game_id,
            }
            for m in port.messages
        ]

    return feed


async def serve(
    listener: socket.socket, *, demo: bool, started: asyncio.Event | None = None
) -> None:
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
        # The bus's handlers share this process's core with the requests: answering before
        # they ran would only hide an overload as a growing backlog (bench/up.py).
        publish_after_response=False,
        console_messages=console_feed(console) if console is not None else None,
        demo_login=True,
    )
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    await bus.start()
    resync = asyncio.create_task(handlers.keeper.resync_until_done())
    try:
        if discord_bot is not None:
            await discord_bot.start()
        seeded = await seed_demo_games() if demo else False
        scheduler.start()
        serving = asyncio.create_task(server.serve(sockets=[listener]))
        # uvicorn exposes readiness only as a flag.
        while not server.started and not serving.done():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        if server.started:
            banner = start_banner(
                url_of(listener),
                discord_bot=discord_bot is not None,
                discord_login=bool(settings.discord_client_id),
                demo=seeded,
            )
            print(banner, flush=True)
            if started is not None:
                started.set()
        await serving
    finally:
        resync.cancel()
        await shut_down(scheduler, bus, handlers.keeper, discord_bot)


async def shut_down(
    scheduler: EmbeddedScheduler,
    bus: InProcessBus,
    keeper: AnnouncementKeeper,
    discord_bot: DiscordBot | None,
) -> None:
    """Stop every part, within a second or so of Ctrl-C.

    The scheduler is stopped off the loop: its thread may be waiting for this loop to handle
    the events it publishes, and joining it on the loop would block both for 30 s.
    """
    await asyncio.to_thread(scheduler.stop)
    await bus.stop()
    await keeper.close(grace=5.0)
    if discord_bot is not None:
        await discord_bot.close()
    await dispose_engines()


def main(command: str, argv: list[str]) -> int:
    """Migrate the database, then serve until interrupted."""
    args = build_parser(command).parse_args(argv)
    # Bound first: a busy port is said in one line before anything else has started.
    try:
        listener = bind_listener(args.host, args.port)
    except PortUnavailable as error:
        print(error, file=sys.stderr)
        return 2
    with listener:
        use_local_secret_key()
        migrate.upgrade()
        log.info("database ready: %s", get_settings().database_url.split("@")[-1])
        # uvicorn re-raises the Ctrl-C it handled once every part has shut down.
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(listener, demo=args.demo))
    print("Game Scheduler stopped.", flush=True)
    # Everything is shut down; the interpreter's final collection of this large heap took
    # seconds on a loaded machine. Frozen objects are left to the OS.
    gc.freeze()
    return 0

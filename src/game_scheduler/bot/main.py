"""``game-scheduler bot``: the Discord client (or the console) and the event consumer, one loop."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

import discord

from game_scheduler.bot.instrumentation import start_monitoring
from game_scheduler.bot.runtime import ConsoleBot, DiscordBot
from game_scheduler.config import Settings, get_settings
from game_scheduler.database import dispose_engines, pool_capacity, skip_async_pre_ping
from game_scheduler.messaging.consumer import concurrency_problem
from game_scheduler.messaging.outbox import set_async_publisher
from game_scheduler.messaging.publisher import AsyncPublisher

log = logging.getLogger(__name__)

Runner = DiscordBot | ConsoleBot


def build_runner(settings: Settings, *, console: bool = False) -> Runner:
    """Discord when a token is set (and console mode not asked for), else the console."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if console or not token:
        return ConsoleBot(settings=settings)
    return DiscordBot(token, settings=settings, consume=True)


async def serve(runner: Runner, settings: Settings, stop: asyncio.Event) -> None:
    """Run until ``stop`` is set or the runner ends; button clicks publish their events at once."""
    publisher = AsyncPublisher(settings.rabbitmq_url)
    set_async_publisher(publisher)
    monitoring = start_monitoring(runner, settings)
    try:
        await runner.start()
        running = asyncio.ensure_future(runner.run_until_closed())
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if running.done():
            running.result()
    finally:
        monitoring.stop()
        await runner.close()
        set_async_publisher(None)
        await publisher.close()
        await dispose_engines()


async def _serve_until_signalled(settings: Settings, console: bool) -> None:
    skip_async_pre_ping()  # the bot process alone: its consumer retries on a dead connection
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve(build_runner(settings, console=console), settings, stop)


def main(command: str, argv: list[str]) -> int:
    """Entry point of ``game-scheduler bot``."""
    parser = argparse.ArgumentParser(
        prog=f"game-scheduler {command}",
        description="Run the Discord bot and its RabbitMQ consumer (DISCORD_TOKEN, RABBITMQ_URL, "
        "DATABASE_URL). Without DISCORD_TOKEN, messages are logged instead of sent.",
    )
    parser.add_argument(
        "--console", action="store_true", help="log messages instead of sending them"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    problem = concurrency_problem(settings.bot_concurrency, pool_capacity())
    if problem is not None:
        print(f"game-scheduler {command}: {problem}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve_until_signalled(settings, args.console))
    except discord.LoginFailure:
        log.error("Discord refused the token in DISCORD_TOKEN")
        return 1
    return 0

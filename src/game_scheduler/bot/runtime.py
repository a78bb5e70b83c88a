"""The bot's parts wired together (client or console, handlers, consumer), started as one."""

from __future__ import annotations

import asyncio
import logging

from game_scheduler.bot.client import SchedulerBot, use_endpoints
from game_scheduler.bot.console_port import ConsolePort
from game_scheduler.bot.discord_port import DiscordClientPort
from game_scheduler.bot.handlers import BotHandlers
from game_scheduler.bot.instrumentation import (
    MeteredPort,
    instrument_client,
    instrument_handlers,
)
from game_scheduler.config import Settings, get_settings
from game_scheduler.messaging.consumer import EventConsumer

log = logging.getLogger(__name__)

# How long close() lets announcement edits in flight finish (what is left is redone on start).
KEEPER_GRACE_SECONDS = 5.0


class DiscordBot:
    """A logged-in discord.py client, the handlers that send through it, and their consumer."""

    def __init__(
        self,
        token: str,
        *,
        settings: Settings | None = None,
        guild_ready_timeout: float = 2.0,
        consume: bool = False,
    ) -> None:
        settings = settings or get_settings()
        use_endpoints(settings.discord_api_base, settings.discord_gateway_url)
        self._token = token
        self.client = SchedulerBot(guild_ready_timeout=guild_ready_timeout)
        instrument_client(self.client)
        self.port = MeteredPort(DiscordClientPort(self.client))
        self.handlers = BotHandlers(self.port)
        self.consumer = (
            EventConsumer(
                instrument_handlers(self.handlers.mapping()),
                url=settings.rabbitmq_url,
                settings=settings,
            )
            if consume
            else None
        )
        self._connection: asyncio.Task[None] | None = None
        self._resync: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Log in (commands synced), consume events, keep the gateway up in the background."""
        await self.client.login(self._token)
        self._resync = asyncio.create_task(self.handlers.keeper.resync_until_done())
        if self.consumer is not None:
            await self.consumer.start()
        self._connection = asyncio.create_task(self.client.connect(reconnect=True))

    async def wait_ready(self, within: float = 30.0) -> None:
        """Until the gateway is up and the server metadata recorded (or the connection died)."""
        assert self._connection is not None, "start() first"
        ready = asyncio.ensure_future(self.client.metadata_synced.wait())
        done, _ = await asyncio.wait(
            {ready, self._connection}, timeout=within, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if self._connection in done:
                self._connection.result()  # raises the connection's error
            raise TimeoutError(f"the bot was not ready within {within} s")

    async def run_until_closed(self) -> None:
        """Wait on the gateway connection; raises if it fails for good."""
        assert self._connection is not None, "start() first"
        await self._connection

    async def close(self) -> None:
        """Finish in-flight events, then close the gateway and the HTTP session."""
        if self.consumer is not None:
            await self.consumer.stop()
        if self._resync is not None:
            self._resync.cancel()
        await self.handlers.keeper.close(grace=KEEPER_GRACE_SECONDS)
        await self.client.close()
        if self._connection is not None:
            try:
                await self._connection
            except Exception:
                log.debug("gateway connection ended with an error on close", exc_info=True)


class ConsoleBot:
    """No Discord token: the same handlers and consumer, messages logged and kept in memory."""

    def __init__(self, *, settings: Settings | None = None) -> None:
        settings = settings or get_settings()
        self.port = ConsolePort()
        self.handlers = BotHandlers(MeteredPort(self.port))
        self.consumer = EventConsumer(
            instrument_handlers(self.handlers.mapping()),
            url=settings.rabbitmq_url,
            settings=settings,
        )
        self._closed = asyncio.Event()
        self._resync: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Consume events."""
        self._resync = asyncio.create_task(self.handlers.keeper.resync_until_done())
        await self.consumer.start()
        log.info("console mode (no DISCORD_TOKEN): messages are logged, not sent")

    async def run_until_closed(self) -> None:
        """Until :meth:`close`."""
        await self._closed.wait()

    async def close(self) -> None:
        """Finish in-flight events and stop consuming."""
        await self.consumer.stop()
        if self._resync is not None:
            self._resync.cancel()
        await self.handlers.keeper.close(grace=KEEPER_GRACE_SECONDS)
        self._closed.set()

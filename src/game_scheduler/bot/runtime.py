"""The bot's parts wired together: client, port, handlers; started and stopped as one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from game_scheduler.bot.client import SchedulerBot, use_endpoints
from game_scheduler.bot.discord_port import DiscordClientPort
from game_scheduler.bot.handlers import BotHandlers
from game_scheduler.config import Settings, get_settings

log = logging.getLogger(__name__)


class DiscordBot:
    """A logged-in discord.py client and the handlers that send through it."""

    def __init__(
        self,
        token: str,
        *,
        settings: Settings | None = None,
        guild_ready_timeout: float = 2.0,
        on_setup: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        settings = settings or get_settings()
        use_endpoints(settings.discord_api_base, settings.discord_gateway_url)
        self._token = token
        self.client = SchedulerBot(on_setup=on_setup, guild_ready_timeout=guild_ready_timeout)
        self.port = DiscordClientPort(self.client)
        self.handlers = BotHandlers(self.port)
        self._connection: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Log in (syncing commands), then keep the gateway connection in the background."""
        await self.client.login(self._token)
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
        """Close the gateway and the HTTP session."""
        await self.client.close()
        if self._connection is not None:
            try:
                await self._connection
            except Exception:
                log.debug("gateway connection ended with an error on close", exc_info=True)

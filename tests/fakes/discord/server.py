"""A fake Discord on 127.0.0.1: REST v10 and a gateway, for the real discord.py client."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.discord.gateway import GatewaySession, gateway_handler
from tests.fakes.discord.rest import EPHEMERAL, STATE, record_requests, routes
from tests.fakes.discord.state import APP_ID, FakeDiscordState, RecordedRequest

OPTION_TYPES = {str: 3, int: 4, bool: 5}


class FakeInteraction:
    """An interaction the test started; ``answered`` is set once the user would see a reply."""

    def __init__(self, interaction_id: int, token: str, type_: int, channel_id: int) -> None:
        self.id = interaction_id
        self.token = token
        self.type = type_
        self.channel_id = channel_id
        self.callbacks: list[dict[str, Any]] = []
        self.followups: list[dict[str, Any]] = []
        self.answered = asyncio.Event()

    def record_callback(self, body: dict[str, Any]) -> None:
        self.callbacks.append(body)
        if body["type"] != 5:  # 5 = deferred: the answer comes as a followup
            self.answered.set()

    def record_followup(self, message: dict[str, Any]) -> None:
        self.followups.append(message)
        self.answered.set()

    @property
    def deferred(self) -> bool:
        return any(c["type"] == 5 for c in self.callbacks)

    @property
    def answer(self) -> dict[str, Any]:
        """The message the user sees: the callback's data, or the first followup."""
        if self.followups:
            return self.followups[0]
        return self.callbacks[0].get("data") or {}

    @property
    def text(self) -> str:
        return str(self.answer.get("content") or "")

    @property
    def ephemeral(self) -> bool:
        if self.deferred:
            flags = (self.callbacks[0].get("data") or {}).get("flags", 0)
            return bool(flags & EPHEMERAL)
        return bool(self.answer.get("flags", 0) & EPHEMERAL)


class FakeDiscord:
    """Serve REST and gateway until ``stop``; tests arrange ``state`` and start interactions."""

    def __init__(self, token: str = "fake-bot-token") -> None:
        self.token = token
        self.state = FakeDiscordState()
        self.sessions: list[GatewaySession] = []
        self.identifies: list[dict[str, Any]] = []
        self.interactions: dict[str, FakeInteraction] = {}
        self._tokens = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application(middlewares=[record_requests])
        app[STATE] = self.state
        app.add_routes(routes(self))
        app.router.add_get("/gateway", gateway_handler(self))
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for session in list(self.sessions):
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, check: Callable[[], Any], within: float = 5.0) -> Any:
        """Poll until ``check()`` is truthy; return its value."""
        deadline = asyncio.get_running_loop().time() + within
        while not (value := check()):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"fake Discord: condition not met within {within} s")
            await asyncio.sleep(0.02)
        return value

    async def wait_for_request(
        self,
        method: str,
        path: str,
        match: Callable[[RecordedRequest], bool] = lambda _: True,
        within: float = 5.0,
    ) -> RecordedRequest:
        """The first request with this method and path (``*``: one segment) ``match`` accepts."""
        found: RecordedRequest = await self.wait_for(
            lambda: next((r for r in self.state.calls(method, path) if match(r)), None), within
        )
        return found

    async def dispatch(self, event: str, data: Any) -> None:
        """Send a gateway event to every connected bot."""
        await self.wait_for(lambda: self.sessions)
        for session in list(self.sessions):
            await session.dispatch(event, data)

    async def _interact(
        self,
        type_: int,
        guild_id: int,
        channel_id: int,
        user_id: int,
        data: dict[str, Any],
        message: dict[str, Any] | None = None,
    ) -> FakeInteraction:
        state = self.state
        interaction = FakeInteraction(
            state.snowflake(), f"token-{next(self._tokens)}", type_, channel_id
        )
        self.interactions[interaction.token] = interaction
        member = state.member(guild_id, user_id)
        payload: dict[str, Any] = {
            "id": str(interaction.id),
            "application_id": str(APP_ID),
            "type": type_,
            "data": data,
            "guild_id": str(guild_id),
            "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": state.channel_payload(guild_id, channel_id),
            "member": state.member_payload(guild_id, member),
            "token": interaction.token,
            "version": 1,
            "app_permissions": str((1 << 53) - 1),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def click(
        self, user_id: int, message_id: int, custom_id: str, *, wait: bool = True
    ) -> FakeInteraction:
        """A user presses a button under a message; returns once they see the answer."""
        message = self.state.messages[message_id]
        channel_id = int(message["channel_id"])
        guild = self.state.guild_of_channel(channel_id)
        assert guild is not None, "buttons are clicked in server channels here"
        data = {"custom_id": custom_id, "component_type": 2}
        interaction = await self._interact(3, guild.id, channel_id, user_id, data, message)
        if wait:
            await asyncio.wait_for(interaction.answered.wait(), 5.0)
        return interaction

    async def click_in_dm(self, user_id: int, message_id: int, custom_id: str) -> FakeInteraction:
        """The user presses a button under a DM the bot sent them; returns once they see the answer.

        A DM interaction carries a ``user`` and no guild or member, as Discord sends it.
        """
        state = self.state
        message = state.messages[message_id]
        channel_id = int(message["channel_id"])
        interaction = FakeInteraction(
            state.snowflake(), f"token-{next(self._tokens)}", 3, channel_id
        )
        self.interactions[interaction.token] = interaction
        payload: dict[str, Any] = {
            "id": str(interaction.id),
            "application_id": str(APP_ID),
            "type": 3,
            "data": {"custom_id": custom_id, "component_type": 2},
            "channel_id": str(channel_id),
            "channel": state.dm_channel_payload(user_id),
            "user": state.user_payload(user_id),
            "token": interaction.token,
            "version": 1,
            "app_permissions": str((1 << 53) - 1),
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"1": str(user_id)},
            "context": 1,
            "attachment_size_limit": 8 * 1024 * 1024,
            "message": message,
        }
        await self.dispatch("INTERACTION_CREATE", payload)
        await asyncio.wait_for(interaction.answered.wait(), 5.0)
        return interaction

    async def command(
        self, user_id: int, guild_id: int, channel_id: int, name: str, **options: Any
    ) -> FakeInteraction:
        """A user runs a slash command; returns once they see the answer."""
        command = next(c for c in self.state.commands if c["name"] == name)
        data = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "guild_id": str(guild_id),
            "options": [
                {"name": key, "type": OPTION_TYPES[type(value)], "value": value}
                for key, value in options.items()
            ],
        }
        interaction = await self._interact(2, guild_id, channel_id, user_id, data)
        await asyncio.wait_for(interaction.answered.wait(), 5.0)
        return interaction

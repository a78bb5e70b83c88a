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
SUBCOMMAND = 1
ROLE_OPTION = 8
MODAL = 9  # interaction response: open a modal
AUTOCOMPLETE_RESULT = 8  # interaction response: autocomplete choices
APPLICATION_COMMAND_AUTOCOMPLETE = 4  # interaction type
MODAL_SUBMIT = 5  # interaction type


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

    @property
    def modal(self) -> dict[str, Any]:
        """The modal the bot opened (response type 9): custom_id, title, components."""
        [modal] = [c["data"] for c in self.callbacks if c["type"] == MODAL]
        return dict(modal)

    def modal_fields(self) -> dict[str, dict[str, Any]]:
        """The modal's text inputs by label, each with its custom_id and prefilled value."""
        inputs = [c for row in self.modal["components"] for c in row["components"]]
        return {c["label"]: c for c in inputs}

    @property
    def choices(self) -> list[dict[str, Any]]:
        """The autocomplete choices the bot offered (response type 8)."""
        [answer] = [c["data"] for c in self.callbacks if c["type"] == AUTOCOMPLETE_RESULT]
        return list(answer["choices"])

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
        recipient = next(u for u, c in state.dm_channels.items() if c == channel_id)
        payload: dict[str, Any] = {
            "id": str(interaction.id),
            "application_id": str(APP_ID),
            "type": 3,
            "data": {"custom_id": custom_id, "component_type": 2},
            "channel_id": str(channel_id),
            "channel": state.dm_channel_payload(recipient),
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
        self,
        user_id: int,
        guild_id: int,
        channel_id: int,
        name: str,
        *,
        roles: dict[str, int] | None = None,
        **options: Any,
    ) -> FakeInteraction:
        """A user runs a slash command; returns once they see the answer.

        ``roles`` are role options, sent resolved as Discord does.
        """
        command = next(c for c in self.state.commands if c["name"] == name)
        given = [
            {"name": key, "type": OPTION_TYPES[type(value)], "value": value}
            for key, value in options.items()
        ]
        resolved: dict[str, dict[str, Any]] = {"roles": {}}
        guild_roles = self.state.guilds[guild_id].roles
        for key, role_id in (roles or {}).items():
            given.append({"name": key, "type": ROLE_OPTION, "value": str(role_id)})
            role_name, permissions = guild_roles[role_id]
            resolved["roles"][str(role_id)] = self.state.role_payload(
                role_id, role_name, permissions, list(guild_roles).index(role_id)
            )
        data = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "guild_id": str(guild_id),
            "options": given,
            "resolved": resolved,
        }
        interaction = await self._interact(2, guild_id, channel_id, user_id, data)
        await asyncio.wait_for(interaction.answered.wait(), 5.0)
        return interaction

    def _command_data(
        self, guild_id: int, name: str, options: list[dict[str, Any]]
    ) -> dict[str, Any]:
        command = next(c for c in self.state.commands if c["name"] == name)
        return {
            "id": command["id"],
            "name": name,
            "type": 1,
            "guild_id": str(guild_id),
            "options": options,
        }

    async def subcommand(
        self,
        user_id: int,
        guild_id: int,
        channel_id: int,
        group: str,
        name: str,
        *,
        users: dict[str, int] | None = None,
        **options: Any,
    ) -> FakeInteraction:
        """A user runs ``/group name``; returns once the bot answered (a message or a modal).

        ``users`` are user options, sent resolved as Discord does.
        """
        given = [
            {"name": key, "type": OPTION_TYPES[type(value)], "value": value}
            for key, value in options.items()
        ]
        resolved: dict[str, dict[str, Any]] = {"users": {}, "members": {}}
        for key, picked in (users or {}).items():
            given.append({"name": key, "type": 6, "value": str(picked)})
            resolved["users"][str(picked)] = self.state.user_payload(picked)
            known = self.state.guilds[guild_id].members.get(picked)
            if known is not None:
                member = self.state.member_payload(guild_id, known)
                member.pop("user")
                resolved["members"][str(picked)] = member
        data = self._command_data(
            guild_id, group, [{"name": name, "type": SUBCOMMAND, "options": given}]
        )
        data["resolved"] = resolved
        interaction = await self._interact(2, guild_id, channel_id, user_id, data)
        await asyncio.wait_for(interaction.answered.wait(), 5.0)
        return interaction

    async def autocomplete(
        self,
        user_id: int,
        guild_id: int,
        channel_id: int,
        path: tuple[str, ...],
        focused: str,
        typed: str,
        option_type: type = str,
    ) -> FakeInteraction:
        """A user types ``typed`` into option ``focused`` of ``/path``; returns with the choices."""
        options: list[dict[str, Any]] = [
            {"name": focused, "type": OPTION_TYPES[option_type], "value": typed, "focused": True}
        ]
        for sub in reversed(path[1:]):
            options = [{"name": sub, "type": SUBCOMMAND, "options": options}]
        data = self._command_data(guild_id, path[0], options)
        interaction = await self._interact(
            APPLICATION_COMMAND_AUTOCOMPLETE, guild_id, channel_id, user_id, data
        )
        await asyncio.wait_for(interaction.answered.wait(), 5.0)
        return interaction

    async def submit_modal(
        self,
        user_id: int,
        guild_id: int,
        channel_id: int,
        opened: FakeInteraction,
        values: dict[str, str],
    ) -> FakeInteraction:
        """The user fills the modal ``opened`` showed (by label; the rest keep their prefill)."""
        fields = opened.modal_fields()
        unknown = set(values) - set(fields)
        assert not unknown, f"the modal has no fields {unknown}; it has {list(fields)}"
        rows = [
            {
                "type": 1,
                "components": [
                    {
                        "type": 4,
                        "custom_id": field["custom_id"],
                        "value": values.get(label, field.get("value") or ""),
                    }
                ],
            }
            for label, field in fields.items()
        ]
        data = {"custom_id": opened.modal["custom_id"], "components": rows}
        interaction = await self._interact(MODAL_SUBMIT, guild_id, channel_id, user_id, data)
        await asyncio.wait_for(interaction.answered.wait(), 5.0)
        return interaction

    async def press(self, user_id: int, answered: FakeInteraction, label: str) -> FakeInteraction:
        """The user presses a button on the (ephemeral) reply ``answered`` got."""
        reply_data = answered.answer
        [button] = [
            c
            for row in reply_data.get("components") or []
            for c in row["components"]
            if c.get("label") == label
        ]
        channel_id = answered.channel_id
        guild = self.state.guild_of_channel(channel_id)
        assert guild is not None
        message = self.state.new_message(channel_id, reply_data)
        self.state.delete_message(int(message["id"]))  # ephemeral: nobody else sees it
        data = {"custom_id": button["custom_id"], "component_type": 2}
        interaction = await self._interact(3, guild.id, channel_id, user_id, data, message)
        await asyncio.wait_for(interaction.answered.wait(), 5.0)
        return interaction

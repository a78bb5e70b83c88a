"""The fake's gateway websocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, dispatches."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fakes.discord.state import APP_ID, BOT_ID

if TYPE_CHECKING:
    from tests.fakes.discord.server import FakeDiscord

HELLO, IDENTIFY, HEARTBEAT, HEARTBEAT_ACK, RESUME, DISPATCH = 10, 2, 1, 11, 6, 0


class GatewaySession:
    """One connected client with its own sequence numbers."""

    def __init__(self, ws: web.WebSocketResponse, session_id: str) -> None:
        self.ws = ws
        self.session_id = session_id
        self.sequence = 0

    async def dispatch(self, event: str, data: Any) -> None:
        self.sequence += 1
        await self.ws.send_json({"op": DISPATCH, "t": event, "s": self.sequence, "d": data})


def gateway_handler(fake: FakeDiscord):  # type: ignore[no-untyped-def]
    """The websocket route; each IDENTIFY gets READY and then every guild."""

    async def handle(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        session = GatewaySession(ws, f"session-{fake.state.snowflake()}")
        await ws.send_json({"op": HELLO, "t": None, "s": None, "d": {"heartbeat_interval": 41250}})
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(message.data)
                op = payload["op"]
                if op == HEARTBEAT:
                    await ws.send_json({"op": HEARTBEAT_ACK, "t": None, "s": None, "d": None})
                elif op == IDENTIFY:
                    fake.identifies.append(payload["d"])
                    await send_ready(fake, session)
                    fake.sessions.append(session)
                elif op == RESUME:
                    fake.sessions.append(session)
                    await session.dispatch("RESUMED", {})
        finally:
            if session in fake.sessions:
                fake.sessions.remove(session)
        return ws

    return handle


async def send_ready(fake: FakeDiscord, session: GatewaySession) -> None:
    state = fake.state
    await session.dispatch(
        "READY",
        {
            "v": 10,
            "user": state.user_payload(BOT_ID),
            "guilds": [{"id": str(g), "unavailable": True} for g in state.guilds],
            "session_id": session.session_id,
            "resume_gateway_url": fake.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "shard": [0, 1],
        },
    )
    for guild_id in state.guilds:
        if guild_id not in state.unavailable:
            await session.dispatch("GUILD_CREATE", state.guild_payload(guild_id))

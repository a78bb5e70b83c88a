"""The fake's REST API v10: the routes discord.py calls for login, messages, DMs, interactions."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakes.discord.state import (
    APP_ID,
    BOT_ID,
    FakeDiscordState,
    RecordedRequest,
    Thread,
    now_iso,
)

if TYPE_CHECKING:
    from tests.fakes.discord.server import FakeDiscord

API_PREFIX = "/api/v10"
STATE = web.AppKey("state", FakeDiscordState)
BODY = web.RequestKey("body", object)
EPHEMERAL = 1 << 6


def reply(data: Any, status: int = 200) -> web.Response:
    """JSON with exactly ``application/json``: discord.py parses nothing else."""
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def json_body(request: web.Request) -> Any:
    return request[BODY]


def error(status: int, code: int, message: str) -> web.Response:
    return reply({"code": code, "message": message}, status)


def too_many_requests(retry_after: float) -> web.Response:
    """A 429 as Discord sends it (discord.py treats one without ``Via`` as Cloudflare's ban)."""
    response = reply(
        {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
        429,
    )
    response.headers["Via"] = "1.1 google"
    response.headers["Retry-After"] = str(max(1, round(retry_after)))
    return response


@web.middleware
async def record_requests(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    state = request.app[STATE]
    body = None
    if request.can_read_body and request.content_type == "application/json":
        body = await request.json()
    path = request.path.removeprefix(API_PREFIX)
    state.requests.append(RecordedRequest(request.method, path, dict(request.query), body))
    request[BODY] = body
    failure = state.take_failure(request.method, path)
    if failure is not None:
        return error(failure.status, failure.code, failure.message)
    outage = state.current_outage(path)
    if outage is not None:
        if outage.status == 429:
            return too_many_requests(outage.retry_after)
        return error(outage.status, 0, f"{outage.status}: Service Unavailable")
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return error(404, 0, f"404: Not Found ({request.method} {path})")


def routes(fake: FakeDiscord) -> web.RouteTableDef:
    """Every route the fake serves, bound to one fake."""
    state = fake.state
    r = web.RouteTableDef()

    @r.get(API_PREFIX + "/users/@me")
    async def me(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {fake.token}":
            return error(401, 0, "401: Unauthorized")
        return reply(state.user_payload(BOT_ID))

    @r.get(API_PREFIX + "/oauth2/applications/@me")
    async def application(request: web.Request) -> web.Response:
        return reply(
            {
                "id": str(APP_ID),
                "name": "Game Scheduler",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": state.user_payload(BOT_ID),
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    @r.get(API_PREFIX + "/gateway/bot")
    async def gateway_bot(request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return reply({"url": fake.gateway_url, "shards": 1, "session_start_limit": limit})

    @r.put(API_PREFIX + "/applications/{app_id}/commands")
    async def overwrite_commands(request: web.Request) -> web.Response:
        state.commands = [
            {
                **command,
                "id": str(state.snowflake()),
                "application_id": str(APP_ID),
                "version": "1",
            }
            for command in json_body(request)
        ]
        return reply(state.commands)

    @r.post(API_PREFIX + "/users/@me/channels")
    async def open_dm(request: web.Request) -> web.Response:
        return reply(state.dm_channel_payload(int(json_body(request)["recipient_id"])))

    @r.post(API_PREFIX + "/channels/{channel_id}/messages")
    async def create_message(request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        body = json_body(request)
        recipient = next((u for u, c in state.dm_channels.items() if c == channel_id), None)
        if recipient is None and state.guild_of_channel(channel_id) is None:
            return error(404, 10003, "Unknown Channel")
        if recipient in state.closed_dms:
            return error(403, 50007, "Cannot send messages to this user")
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce"):
            earlier, at = state.nonces.get((channel_id, nonce), (None, 0.0))
            fresh = time.monotonic() - at < state.nonce_window
            if earlier is not None and fresh and earlier in state.messages:
                return reply(state.messages[earlier])
        message = state.new_message(channel_id, body)
        if nonce:
            state.nonces[(channel_id, nonce)] = (int(message["id"]), time.monotonic())
        return reply(message)

    @r.get(API_PREFIX + "/channels/{channel_id}/messages")
    async def history(request: web.Request) -> web.Response:
        """Newest first, as Discord answers; ``after``/``before`` are message ids."""
        channel_id = int(request.match_info["channel_id"])
        limit = int(request.query.get("limit", "50"))
        after = int(request.query.get("after", "0"))
        before = int(request.query.get("before", str(1 << 63)))
        found = [m for m in state.channel_messages(channel_id) if after < int(m["id"]) < before]
        found.sort(key=lambda m: int(m["id"]), reverse=True)
        if "after" in request.query and "before" not in request.query:
            found = found[-limit:]  # the oldest ones after the id, still newest first
        return reply(found[:limit])

    def find_message(request: web.Request) -> dict[str, Any] | None:
        message = state.messages.get(int(request.match_info["message_id"]))
        if message is None or message["channel_id"] != request.match_info["channel_id"]:
            return None
        return message

    @r.get(API_PREFIX + "/channels/{channel_id}/messages/{message_id}")
    async def get_message(request: web.Request) -> web.Response:
        message = find_message(request)
        return reply(message) if message else error(404, 10008, "Unknown Message")

    @r.patch(API_PREFIX + "/channels/{channel_id}/messages/{message_id}")
    async def edit_message(request: web.Request) -> web.Response:
        message = find_message(request)
        if message is None:
            return error(404, 10008, "Unknown Message")
        wait = state.edit_wait(int(request.match_info["channel_id"]))
        if wait > 0:
            return too_many_requests(wait)
        for key in ("content", "embeds", "components"):
            if key in json_body(request):
                message[key] = json_body(request)[key] or ([] if key != "content" else "")
        message["edited_timestamp"] = now_iso()
        return reply(message)

    @r.post(API_PREFIX + "/channels/{channel_id}/messages/{message_id}/threads")
    async def start_thread(request: web.Request) -> web.Response:
        """Start a public thread from a message; one per message (error 160004 after that)."""
        message = find_message(request)
        channel_id = int(request.match_info["channel_id"])
        guild = state.guild_of_channel(channel_id)
        if message is None or guild is None:
            return error(404, 10008, "Unknown Message")
        thread_id = int(message["id"])
        if thread_id in state.threads:
            return error(400, 160004, "A thread has already been created for this message")
        body = json_body(request)
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            return error(400, 50035, "Invalid Form Body (name)")
        thread = Thread(
            thread_id, guild.id, channel_id, name, body.get("auto_archive_duration") or 1440
        )
        state.threads[thread_id] = thread
        return reply(state.thread_payload(thread), 201)

    @r.put(API_PREFIX + "/channels/{channel_id}/thread-members/{user_id}")
    async def add_thread_member(request: web.Request) -> web.Response:
        """Add a member of the server to a thread (204; idempotent, as on Discord)."""
        thread = state.threads.get(int(request.match_info["channel_id"]))
        if thread is None:
            return error(404, 10003, "Unknown Channel")
        user_id = int(request.match_info["user_id"])
        if user_id not in state.guilds[thread.guild_id].members:
            return error(404, 10007, "Unknown Member")
        if user_id not in thread.member_ids:
            thread.member_ids.append(user_id)
        return web.Response(status=204)

    @r.post(API_PREFIX + "/interactions/{interaction_id}/{token}/callback")
    async def interaction_callback(request: web.Request) -> web.Response:
        interaction = fake.interactions[request.match_info["token"]]
        body = json_body(request)
        interaction.record_callback(body)
        return reply(
            {
                "interaction": {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "response_message_loading": body["type"] == 5,
                    "response_message_ephemeral": bool(
                        (body.get("data") or {}).get("flags", 0) & EPHEMERAL
                    ),
                }
            }
        )

    @r.post(API_PREFIX + "/webhooks/{application_id}/{token}")
    async def followup(request: web.Request) -> web.Response:
        interaction = fake.interactions[request.match_info["token"]]
        message = state.new_message(interaction.channel_id, json_body(request))
        message["webhook_id"] = str(APP_ID)
        interaction.record_followup(message)
        return reply(message)

    return r

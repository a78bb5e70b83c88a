"""What the fake Discord knows: users, servers, channels, roles, members, messages, requests.

Kept in one class with no I/O so the same state can back REST, the gateway and (later) OAuth2.
Payloads follow Discord's API v10 closely enough for discord.py to parse them.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

BOT_ID = 555_000_000_000_000_001
APP_ID = 555_000_000_000_000_002
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
SEND_MESSAGES = 1 << 11
DEFAULT_PERMISSIONS = (1 << 10) | SEND_MESSAGES  # view channel, send messages


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class RecordedRequest:
    """One REST call the bot made: method, path below /api/v10, query, JSON body, arrival."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    received_at: float = field(default_factory=time.time)  # wall clock, to compare with due times


def path_matches(pattern: str, path: str) -> bool:
    """Whether ``path`` fits ``pattern``, where ``*`` stands for one segment."""
    want, got = pattern.strip("/").split("/"), path.strip("/").split("/")
    return len(got) == len(want) and all(w in ("*", g) for w, g in zip(want, got, strict=True))


@dataclass(frozen=True)
class Failure:
    """An error the fake answers once, to the next request that matches."""

    method: str
    path: str
    status: int
    code: int
    message: str


@dataclass
class Outage:
    """Every matching request answers ``status`` until ``until`` (time.monotonic())."""

    status: int
    until: float
    paths: tuple[str, ...]
    retry_after: float = 1.0

    def covers(self, path: str) -> bool:
        return time.monotonic() < self.until and path.startswith(self.paths)


# What an outage hits unless told otherwise: messages and DM channels, not login or the gateway.
MESSAGE_PATHS = ("/channels/", "/users/@me/channels")
DISCORD_EPOCH_MS = 1_420_070_400_000


@dataclass
class Member:
    user_id: int
    role_ids: list[int] = field(default_factory=list)
    permissions: int = DEFAULT_PERMISSIONS


@dataclass
class Thread:
    """A public thread started from a message: its id is the message's, as on Discord."""

    id: int
    guild_id: int
    parent_id: int
    name: str
    auto_archive_duration: int = 1440
    member_ids: list[int] = field(default_factory=list)


@dataclass
class Guild:
    id: int
    name: str
    channels: dict[int, str] = field(default_factory=dict)  # text channels: id -> name
    roles: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (name, permissions)
    members: dict[int, Member] = field(default_factory=dict)


class FakeDiscordState:
    """Everything the fake serves, with helpers tests use to arrange and inspect."""

    def __init__(self) -> None:
        self._sequence = itertools.count()
        self._last_id = 0
        self.users: dict[int, str] = {BOT_ID: "scheduler-bot"}
        self.guilds: dict[int, Guild] = {}
        self.unavailable: set[int] = set()  # guilds in an outage: READY lists them, no GUILD_CREATE
        self.messages: dict[int, dict[str, Any]] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.closed_dms: set[int] = set()
        self.threads: dict[int, Thread] = {}  # thread id (= its starter message id) -> thread
        # (channel, nonce) -> (message id, monotonic time): Discord dedups for a few minutes.
        self.nonces: dict[tuple[int, str], tuple[int, float]] = {}
        self.nonce_window = 300.0
        self.commands: list[dict[str, Any]] = []
        self.requests: list[RecordedRequest] = []
        self.failures: list[Failure] = []
        self.outages: list[Outage] = []
        # Real Discord allows 5 message edits per 5 s per channel, answering 429 past that.
        self.edit_limit: tuple[int, float] | None = None
        self._edits: dict[int, list[float]] = {}
        self.rate_limited: int = 0  # 429s answered for edits

    def snowflake(self) -> int:
        """A unique id encoding the time, as Discord's do (discord.py reads created_at off it)."""
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_id = max(stamp | (next(self._sequence) & 0xFFF), self._last_id + 1)
        return self._last_id

    # --- arranging -------------------------------------------------------------------------

    def add_guild(self, guild_id: int, name: str = "Test Server") -> Guild:
        guild = Guild(guild_id, name)
        guild.roles[guild_id] = ("@everyone", DEFAULT_PERMISSIONS)
        guild.members[BOT_ID] = Member(BOT_ID, permissions=ADMINISTRATOR)
        self.guilds[guild_id] = guild
        return guild

    def add_member(
        self, guild_id: int, user_id: int, *, roles: list[int] | None = None, manage: bool = False
    ) -> Member:
        self.users.setdefault(user_id, f"user{user_id % 10_000}")
        permissions = DEFAULT_PERMISSIONS | (MANAGE_GUILD if manage else 0)
        member = Member(user_id, list(roles or []), permissions)
        self.guilds[guild_id].members[user_id] = member
        return member

    def member(self, guild_id: int, user_id: int) -> Member:
        guild = self.guilds[guild_id]
        return guild.members.get(user_id) or self.add_member(guild_id, user_id)

    def guild_of_channel(self, channel_id: int) -> Guild | None:
        thread = self.threads.get(channel_id)
        if thread is not None:
            return self.guilds.get(thread.guild_id)
        return next((g for g in self.guilds.values() if channel_id in g.channels), None)

    def delete_message(self, message_id: int) -> None:
        self.messages.pop(message_id)

    def fail_next(
        self, method: str, path: str, status: int = 400, code: int = 50035, message: str = "Bad"
    ) -> None:
        """Answer the next matching request with this error (5xx would make discord.py wait)."""
        self.failures.append(Failure(method, path, status, code, message))

    def fail_for(
        self,
        seconds: float,
        status: int,
        *,
        retry_after: float = 1.0,
        paths: tuple[str, ...] = MESSAGE_PATHS,
    ) -> Outage:
        """Answer ``status`` (503, 500, 429 …) to every request on ``paths`` for a while."""
        outage = Outage(status, time.monotonic() + seconds, paths, retry_after)
        self.outages.append(outage)
        return outage

    def current_outage(self, path: str) -> Outage | None:
        return next((o for o in self.outages if o.covers(path)), None)

    def edit_wait(self, channel_id: int) -> float:
        """0 when an edit in this channel is allowed now (and counted), else seconds to wait."""
        if self.edit_limit is None:
            return 0.0
        count, per = self.edit_limit
        now = time.monotonic()
        recent = [t for t in self._edits.get(channel_id, []) if t > now - per]
        if len(recent) >= count:
            self._edits[channel_id] = recent
            self.rate_limited += 1
            return recent[0] + per - now
        self._edits[channel_id] = [*recent, now]
        return 0.0

    def take_failure(self, method: str, path: str) -> Failure | None:
        for failure in self.failures:
            if failure.method == method and path_matches(failure.path, path):
                self.failures.remove(failure)
                return failure
        return None

    # --- inspecting ------------------------------------------------------------------------

    def calls(self, method: str, path: str) -> list[RecordedRequest]:
        """Requests with this method whose path matches, ``*`` standing for one segment."""
        return [r for r in self.requests if r.method == method and path_matches(path, r.path)]

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if int(m["channel_id"]) == channel_id]

    def dms_to(self, user_id: int) -> list[dict[str, Any]]:
        channel_id = self.dm_channels.get(user_id)
        return [] if channel_id is None else self.channel_messages(channel_id)

    # --- payloads --------------------------------------------------------------------------

    def user_payload(self, user_id: int) -> dict[str, Any]:
        return {
            "id": str(user_id),
            "username": self.users.get(user_id, f"user{user_id % 10_000}"),
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": user_id == BOT_ID,
            "public_flags": 0,
        }

    def member_payload(self, guild_id: int, member: Member) -> dict[str, Any]:
        return {
            "user": self.user_payload(member.user_id),
            "roles": [str(r) for r in member.role_ids],
            "joined_at": now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "pending": False,
            "premium_since": None,
            "permissions": str(member.permissions),
        }

    def channel_payload(self, guild_id: int, channel_id: int) -> dict[str, Any]:
        names = list(self.guilds[guild_id].channels)
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": self.guilds[guild_id].channels[channel_id],
            "position": names.index(channel_id),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def thread_payload(self, thread: Thread) -> dict[str, Any]:
        """A public thread channel (type 11) as Discord returns it on creation."""
        return {
            "id": str(thread.id),
            "type": 11,
            "guild_id": str(thread.guild_id),
            "parent_id": str(thread.parent_id),
            "owner_id": str(BOT_ID),
            "name": thread.name,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": len(thread.member_ids),
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": thread.auto_archive_duration,
                "archive_timestamp": now_iso(),
                "locked": False,
                "create_timestamp": now_iso(),
            },
        }

    def dm_channel_payload(self, user_id: int) -> dict[str, Any]:
        channel_id = self.dm_channels.setdefault(user_id, self.snowflake())
        return {
            "id": str(channel_id),
            "type": 1,
            "last_message_id": None,
            "recipients": [self.user_payload(user_id)],
        }

    def role_payload(
        self, role_id: int, name: str, permissions: int, position: int
    ) -> dict[str, Any]:
        return {
            "id": str(role_id),
            "name": name,
            "color": 0,
            "hoist": False,
            "position": position,
            "permissions": str(permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    def guild_payload(self, guild_id: int) -> dict[str, Any]:
        guild = self.guilds[guild_id]
        roles = [
            self.role_payload(rid, name, perms, pos)
            for pos, (rid, (name, perms)) in enumerate(guild.roles.items())
        ]
        return {
            "id": str(guild_id),
            "name": guild.name,
            "icon": None,
            "owner_id": str(BOT_ID),
            "roles": roles,
            "channels": [self.channel_payload(guild_id, cid) for cid in guild.channels],
            "members": [self.member_payload(guild_id, guild.members[BOT_ID])],
            "member_count": len(guild.members),
            "large": False,
            "unavailable": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "threads": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "voice_states": [],
            "presences": [],
            "mfa_level": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "system_channel_flags": 0,
            "joined_at": now_iso(),
        }

    def new_message(
        self, channel_id: int, body: dict[str, Any], author_id: int = BOT_ID
    ) -> dict[str, Any]:
        message = {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id),
            "type": 0,
            "author": self.user_payload(author_id),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [],
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "flags": body.get("flags") or 0,
            "nonce": body.get("nonce"),
        }
        self.messages[int(message["id"])] = message
        return message

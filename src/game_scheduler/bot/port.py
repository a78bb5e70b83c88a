"""The few things the bot asks of Discord, so one set of handlers drives Discord or the console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import discord


class DiscordUnavailable(Exception):
    """Discord refused for good (missing channel or access): retrying would not help.

    Outages (5xx, 429, timeouts) are raised as ``messaging.handling.TransientError`` instead.
    """


class DmClosed(DiscordUnavailable):
    """The user does not accept direct messages from the bot (Discord error 50007)."""


class MessageGone(DiscordUnavailable):
    """The message was deleted (Discord error 10008, Unknown Message)."""


@dataclass(frozen=True)
class Announcement:
    """What a game's announcement shows: the embed, whether its answer buttons still work, and
    its link buttons (label, URL)."""

    game_id: int
    embed: discord.Embed
    joinable: bool
    ping_role_id: int | None = None  # mentioned when first posted, and no other role or user
    links: tuple[tuple[str, str], ...] = ()


class DiscordPort(Protocol):
    """Outgoing messages; implementations raise the errors above, anything else is transient."""

    async def post_announcement(
        self, channel_id: int, announcement: Announcement, nonce: str
    ) -> int:
        """Post the announcement with its buttons; return the new message id."""
        ...

    async def edit_announcement(
        self, channel_id: int, message_id: int, announcement: Announcement
    ) -> None:
        """Replace the announcement's embed and buttons (MessageGone when it was deleted)."""
        ...

    async def send_dm(
        self,
        user_id: int,
        content: str,
        nonce: str,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> None:
        """Send a direct message (with buttons, if given); the nonce drops a repeat send."""
        ...

    async def post_channel_message(
        self,
        channel_id: int,
        content: str,
        nonce: str,
        mention_user_id: int | None = None,
        mention_role_id: int | None = None,
    ) -> int:
        """Post plain text in a channel, pinging at most the one user and the one role named."""
        ...

    async def recent_dm_texts(self, user_id: int, since: datetime) -> list[str]:
        """The texts of the bot's DMs to the user sent since then (checked before a late resend)."""
        ...

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        """Open a public thread on the message; its id (an existing one's if already opened)."""
        ...

    async def add_thread_member(self, thread_id: int, user_id: int) -> None:
        """Add a server member to the thread (nothing changes if they are in it already)."""
        ...

    async def post_in_thread(self, thread_id: int, content: str, nonce: str) -> int:
        """Post plain text in a game's thread, pinging nobody."""
        ...

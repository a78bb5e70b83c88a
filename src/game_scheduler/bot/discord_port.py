"""The DiscordPort over discord.py's REST client, mapping Discord's errors to the port's."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Literal

import aiohttp
import discord

from game_scheduler.bot.port import Announcement, DiscordUnavailable, DmClosed, MessageGone
from game_scheduler.bot.views import announcement_view
from game_scheduler.domain import pings
from game_scheduler.messaging.handling import TransientError

HISTORY_LIMIT = 50
# DM channel ids remembered (a user's DM channel never changes): one REST call per DM, not two.
DM_CHANNELS_KEPT = 10_000
CLOCK_SKEW = timedelta(seconds=10)

# Discord JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes)
UNKNOWN_MESSAGE = 10008
CANNOT_DM_USER = 50007
THREAD_ALREADY_CREATED = 160004
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: the longest Discord allows


TOO_MANY_REQUESTS = 429


def is_outage(error: BaseException) -> bool:
    """Whether Discord failed in a way that passes: 5xx, 429, a timeout or a broken connection."""
    if isinstance(error, discord.HTTPException):
        return error.status >= 500 or error.status == TOO_MANY_REQUESTS
    return isinstance(
        error, discord.RateLimited | aiohttp.ClientError | ConnectionError | TimeoutError
    )


@asynccontextmanager
async def discord_errors() -> AsyncIterator[None]:
    """Final refusals become the port's errors, outages :class:`TransientError` (retried later)."""
    try:
        yield
    except discord.Forbidden as error:
        if error.code == CANNOT_DM_USER:
            raise DmClosed(error.text or "cannot send messages to this user") from error
        raise DiscordUnavailable(f"forbidden: {error.text}") from error
    except discord.NotFound as error:
        if error.code == UNKNOWN_MESSAGE:
            raise MessageGone(error.text or "unknown message") from error
        raise DiscordUnavailable(f"not found: {error.text}") from error
    except Exception as error:
        if is_outage(error):
            raise TransientError(f"Discord unavailable: {error!r}") from error
        raise


class DiscordClientPort:
    """Sends through a logged-in discord.py client; DMs go out a few at a time.

    discord.py buckets and waits out Discord's rate limits itself (50 requests/s globally).
    """

    def __init__(self, client: discord.Client, concurrent_dms: int = 16) -> None:
        self.client = client
        self._dm_slots = asyncio.Semaphore(concurrent_dms)
        self._dm_channels: OrderedDict[int, int] = OrderedDict()

    async def _dm_channel(self, user_id: int) -> discord.abc.Messageable:
        """The user's DM channel, opened through Discord only the first time (then remembered)."""
        channel_id = self._dm_channels.get(user_id)
        if channel_id is not None:
            self._dm_channels.move_to_end(user_id)
            return self.client.get_partial_messageable(channel_id, type=discord.ChannelType.private)
        channel = await self.client.create_dm(discord.Object(user_id))
        self._dm_channels[user_id] = channel.id
        if len(self._dm_channels) > DM_CHANNELS_KEPT:
            self._dm_channels.popitem(last=False)
        return channel

    async def post_announcement(
        self, channel_id: int, announcement: Announcement, nonce: str
    ) -> int:
        channel = self.client.get_partial_messageable(channel_id)
        view = announcement_view(
            announcement.game_id, joinable=announcement.joinable, links=announcement.links
        )
        role_id = announcement.ping_role_id
        try:
            async with discord_errors():
                if role_id is None:
                    message = await channel.send(embed=announcement.embed, view=view, nonce=nonce)
                else:
                    message = await channel.send(
                        pings.ping_text(role_id),
                        embed=announcement.embed,
                        view=view,
                        nonce=nonce,
                        allowed_mentions=discord.AllowedMentions(
                            everyone=False,
                            users=False,
                            roles=[discord.Object(role_id)],
                            replied_user=False,
                        ),
                    )
        finally:
            view.stop()  # the buttons are dispatched by custom id; no per-message view is kept
        return message.id

    async def edit_announcement(
        self, channel_id: int, message_id: int, announcement: Announcement
    ) -> None:
        message = self.client.get_partial_messageable(channel_id).get_partial_message(message_id)
        view = announcement_view(
            announcement.game_id, joinable=announcement.joinable, links=announcement.links
        )
        try:
            async with discord_errors():
                await message.edit(embed=announcement.embed, view=view)
        finally:
            view.stop()

    async def send_dm(
        self,
        user_id: int,
        content: str,
        nonce: str,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> None:
        async with self._dm_slots, discord_errors():
            channel = await self._dm_channel(user_id)
            if view is not None:
                try:
                    if embed is None:
                        await channel.send(content, view=view, nonce=nonce)
                    else:
                        await channel.send(content, embed=embed, view=view, nonce=nonce)
                finally:
                    view.stop()  # its buttons are dynamic items: the client answers them
            elif embed is None:
                await channel.send(content, nonce=nonce)
            else:
                await channel.send(content, embed=embed, nonce=nonce)

    async def recent_dm_texts(self, user_id: int, since: datetime) -> list[str]:
        bot_id = self.client.user.id if self.client.user is not None else None
        async with self._dm_slots, discord_errors():
            channel = await self._dm_channel(user_id)
            return [
                message.content
                async for message in channel.history(limit=HISTORY_LIMIT, after=since - CLOCK_SKEW)
                if message.author.id == bot_id
            ]

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        async with discord_errors():
            try:
                thread = await self.client.http.start_thread_with_message(
                    channel_id,
                    message_id,
                    name=name,
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                    rate_limit_per_user=None,
                )
            except discord.HTTPException as error:
                if error.code != THREAD_ALREADY_CREATED:
                    raise
                return message_id  # opened by an earlier attempt: the thread has the message's id
        return int(thread["id"])

    async def add_thread_member(self, thread_id: int, user_id: int) -> None:
        async with discord_errors():
            await self.client.http.add_user_to_thread(thread_id, user_id)

    async def post_in_thread(self, thread_id: int, content: str, nonce: str) -> int:
        channel = self.client.get_partial_messageable(thread_id)
        async with discord_errors():
            message = await channel.send(
                content, nonce=nonce, allowed_mentions=discord.AllowedMentions.none()
            )
        return message.id

    async def post_channel_message(
        self,
        channel_id: int,
        content: str,
        nonce: str,
        mention_user_id: int | None = None,
        mention_role_id: int | None = None,
    ) -> int:
        mentions = discord.AllowedMentions(
            everyone=False,
            roles=[discord.Object(mention_role_id)] if mention_role_id is not None else False,
            users=[discord.Object(mention_user_id)] if mention_user_id is not None else False,
        )
        channel = self.client.get_partial_messageable(channel_id)
        async with discord_errors():
            message = await channel.send(content, nonce=nonce, allowed_mentions=mentions)
        return message.id

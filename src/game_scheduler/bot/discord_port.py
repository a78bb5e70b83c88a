"""The DiscordPort over discord.py's REST client, mapping Discord's errors to the port's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import discord

from game_scheduler.bot.port import Announcement, DiscordUnavailable, DmClosed, MessageGone
from game_scheduler.bot.views import announcement_view

# Discord JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes)
UNKNOWN_MESSAGE = 10008
CANNOT_DM_USER = 50007


@asynccontextmanager
async def discord_errors() -> AsyncIterator[None]:
    """Turn final refusals into the port's errors; anything else propagates and is retried."""
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


class DiscordClientPort:
    """Sends through a logged-in discord.py client; DMs go out a few at a time."""

    def __init__(self, client: discord.Client, concurrent_dms: int = 4) -> None:
        self.client = client
        self._dm_slots = asyncio.Semaphore(concurrent_dms)

    async def post_announcement(
        self, channel_id: int, announcement: Announcement, nonce: str
    ) -> int:
        channel = self.client.get_partial_messageable(channel_id)
        view = announcement_view(announcement.game_id, joinable=announcement.joinable)
        try:
            async with discord_errors():
                message = await channel.send(embed=announcement.embed, view=view, nonce=nonce)
        finally:
            view.stop()  # the buttons are dispatched by custom id; no per-message view is kept
        return message.id

    async def edit_announcement(
        self, channel_id: int, message_id: int, announcement: Announcement
    ) -> None:
        message = self.client.get_partial_messageable(channel_id).get_partial_message(message_id)
        view = announcement_view(announcement.game_id, joinable=announcement.joinable)
        try:
            async with discord_errors():
                await message.edit(embed=announcement.embed, view=view)
        finally:
            view.stop()

    async def send_dm(
        self, user_id: int, content: str, nonce: str, embed: discord.Embed | None = None
    ) -> None:
        async with self._dm_slots, discord_errors():
            channel = await self.client.create_dm(discord.Object(user_id))
            if embed is None:
                await channel.send(content, nonce=nonce)
            else:
                await channel.send(content, embed=embed, nonce=nonce)

    async def post_channel_message(
        self, channel_id: int, content: str, nonce: str, mention_user_id: int | None = None
    ) -> int:
        mentions = discord.AllowedMentions(
            everyone=False,
            roles=False,
            users=[discord.Object(mention_user_id)] if mention_user_id is not None else False,
        )
        channel = self.client.get_partial_messageable(channel_id)
        async with discord_errors():
            message = await channel.send(content, nonce=nonce, allowed_mentions=mentions)
        return message.id

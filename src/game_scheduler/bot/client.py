"""The discord.py client: buttons and commands registered at startup, server metadata mirrored."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import yarl
from discord import app_commands

from game_scheduler.bot import metadata
from game_scheduler.bot.commands import register_commands
from game_scheduler.bot.hosting import HOSTING_ITEMS
from game_scheduler.bot.offer_views import OFFER_ITEMS
from game_scheduler.bot.quorum_buttons import QuorumButton
from game_scheduler.bot.views import DYNAMIC_ITEMS
from game_scheduler.config import get_settings

log = logging.getLogger(__name__)


def use_endpoints(api_base: str, gateway_url: str) -> None:
    """Point discord.py at these REST and gateway URLs (it keeps Discord's in class attributes)."""
    discord.http.Route.BASE = api_base.rstrip("/")
    gateway = yarl.URL(gateway_url)
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway.with_path(gateway.path or "/")


class SchedulerBot(discord.Client):
    """The guilds intent: servers, channels and roles; clicks and commands need no more.

    With DISCORD_MEMBERS_INTENT=1 (privileged: enable it in the Developer Portal too) the bot
    also hears members leave, and drops their signups at once rather than at their next login.
    """

    def __init__(self, *, guild_ready_timeout: float = 2.0, **options: Any) -> None:
        super().__init__(
            intents=discord.Intents(guilds=True, members=get_settings().discord_members_intent),
            guild_ready_timeout=guild_ready_timeout,
            chunk_guilds_at_startup=False,
            **options,
        )
        self.tree: app_commands.CommandTree[SchedulerBot] = app_commands.CommandTree(self)
        register_commands(self.tree)
        self.metadata_synced = asyncio.Event()

    async def setup_hook(self) -> None:
        """After login, before the gateway: buttons of any past announcement work again."""
        self.add_dynamic_items(*DYNAMIC_ITEMS, *HOSTING_ITEMS, *OFFER_ITEMS, QuorumButton)
        commands = await self.tree.sync()
        log.info("synced %d application commands", len(commands))

    async def on_ready(self) -> None:
        await metadata.sync_all(self.guilds)
        self.metadata_synced.set()
        log.info("ready as %s in %d servers", self.user, len(self.guilds))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await metadata.save_guild(guild)

    async def on_guild_update(self, before: discord.Guild, after: discord.Guild) -> None:
        await metadata.save_guild(after)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await metadata.leave_guild(guild)

    async def on_guild_channel_create(self, channel: discord.abc.GuildChannel) -> None:
        await metadata.save_channel(channel)

    async def on_guild_channel_update(
        self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        await metadata.save_channel(after)

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await metadata.drop_channel(channel)

    async def on_guild_role_create(self, role: discord.Role) -> None:
        await metadata.save_role(role)

    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        await metadata.save_role(after)

    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await metadata.drop_role(role)

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await metadata.member_left(payload.guild_id, payload.user.id)

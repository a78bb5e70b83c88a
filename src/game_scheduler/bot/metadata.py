"""Mirror the servers, channels and roles the bot sees into our tables as Discord reports them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord

from game_scheduler.database import get_db_session
from game_scheduler.models import utcnow
from game_scheduler.services import departures, guild_sync
from game_scheduler.services.guild_sync import ChannelInfo, GuildInfo, RoleInfo

log = logging.getLogger(__name__)

ANNOUNCEABLE = (discord.TextChannel,)  # text and announcement (news) channels


def channel_info(channel: discord.abc.GuildChannel) -> ChannelInfo | None:
    """The channel as we record it, or None for kinds games are not announced in."""
    if not isinstance(channel, ANNOUNCEABLE):
        return None
    return ChannelInfo(discord_id=channel.id, name=channel.name)


def role_info(role: discord.Role) -> RoleInfo:
    """The role as we record it."""
    return RoleInfo(discord_id=role.id, name=role.name, permissions=role.permissions.value)


def guild_info(guild: discord.Guild) -> GuildInfo:
    """The server with its announceable channels and its roles."""
    channels = [info for c in guild.channels if (info := channel_info(c)) is not None]
    return GuildInfo(
        discord_id=guild.id,
        name=guild.name,
        channels=channels,
        roles=[role_info(r) for r in guild.roles],
    )


async def sync_all(guilds: Iterable[discord.Guild]) -> None:
    """At ready: record every server the bot is in; mark the others as left."""
    guilds = list(guilds)
    infos = [guild_info(g) for g in guilds if not g.unavailable]
    unavailable = [g.id for g in guilds if g.unavailable]
    async with get_db_session() as session:
        await guild_sync.sync_guilds(session, infos, unavailable)
    log.info("recorded %d servers", len(infos))


async def save_guild(guild: discord.Guild) -> None:
    """The bot joined a server, or a server changed."""
    async with get_db_session() as session:
        await guild_sync.save_guild(session, guild_info(guild))


async def leave_guild(guild: discord.Guild) -> None:
    """The bot was removed from a server."""
    async with get_db_session() as session:
        await guild_sync.leave_guild(session, guild.id)


async def save_channel(channel: discord.abc.GuildChannel) -> None:
    """A channel was created or changed; one that is not a text channel (any more) is absent."""
    info = channel_info(channel)
    async with get_db_session() as session:
        if info is None:
            await guild_sync.drop_channel(session, channel.id)
        else:
            await guild_sync.save_channel(session, channel.guild.id, channel.guild.name, info)


async def drop_channel(channel: discord.abc.GuildChannel) -> None:
    """A channel was deleted."""
    async with get_db_session() as session:
        await guild_sync.drop_channel(session, channel.id)


async def save_role(role: discord.Role) -> None:
    """A role was created or changed."""
    async with get_db_session() as session:
        await guild_sync.save_role(session, role.guild.id, role.guild.name, role_info(role))


async def drop_role(role: discord.Role) -> None:
    """A role was deleted."""
    async with get_db_session() as session:
        await guild_sync.drop_role(session, role.id)


async def member_left(guild_id: int, user_id: int) -> None:
    """A member left or was removed: their upcoming signups there go to the waitlist."""
    async with get_db_session() as session:
        await departures.member_left(session, guild_id, user_id, utcnow())

"""Record the servers, channels and roles the bot sees, so pages never need to ask Discord."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.models import Channel, Guild, Role
from game_scheduler.services.registry import ensure_channel, ensure_guild, ensure_role


@dataclass(frozen=True)
class ChannelInfo:
    """A text channel as Discord describes it."""

    discord_id: int
    name: str


@dataclass(frozen=True)
class RoleInfo:
    """A role as Discord describes it (``permissions`` is Discord's bit field)."""

    discord_id: int
    name: str
    permissions: int = 0


@dataclass(frozen=True)
class GuildInfo:
    """A server with every text channel and role the bot can see in it."""

    discord_id: int
    name: str
    channels: Sequence[ChannelInfo] = field(default_factory=tuple)
    roles: Sequence[RoleInfo] = field(default_factory=tuple)


async def record_channel(session: AsyncSession, guild: Guild, info: ChannelInfo) -> Channel:
    """Create or rename a channel and mark it present."""
    channel = await ensure_channel(session, guild, info.discord_id, info.name)
    channel.bot_present = True
    return channel


async def sync_guild(session: AsyncSession, info: GuildInfo) -> Guild:
    """Make our copy of one server match Discord's; missing channels are marked absent."""
    guild = await ensure_guild(session, info.discord_id, info.name)
    guild.bot_present = True
    for channel in info.channels:
        await record_channel(session, guild, channel)
    for role in info.roles:
        await ensure_role(session, guild, role.discord_id, role.name, role.permissions)
    seen_channels = [c.discord_id for c in info.channels]
    await session.execute(
        update(Channel)
        .where(Channel.guild_id == guild.id, Channel.discord_id.not_in(seen_channels))
        .values(bot_present=False)
    )
    await session.execute(
        delete(Role).where(
            Role.guild_id == guild.id, Role.discord_id.not_in([r.discord_id for r in info.roles])
        )
    )
    return guild


async def sync_guilds(
    session: AsyncSession, infos: Sequence[GuildInfo], unavailable: Sequence[int] = ()
) -> None:
    """Full sync at startup: every server the bot is in, and the ones it has left.

    ``unavailable`` servers (a Discord outage) are still joined: they are left as they were.
    """
    for info in infos:
        await sync_guild(session, info)
    present = [info.discord_id for info in infos] + list(unavailable)
    await session.execute(
        update(Guild).where(Guild.discord_id.not_in(present)).values(bot_present=False)
    )
    await session.commit()


async def save_guild(session: AsyncSession, info: GuildInfo) -> None:
    """The bot joined a server, or the server changed."""
    await sync_guild(session, info)
    await session.commit()


async def leave_guild(session: AsyncSession, guild_discord_id: int) -> None:
    """The bot left a server (or it was deleted): keep its games, mark it absent."""
    await session.execute(
        update(Guild).where(Guild.discord_id == guild_discord_id).values(bot_present=False)
    )
    await session.commit()


async def save_channel(
    session: AsyncSession, guild_discord_id: int, guild_name: str, info: ChannelInfo
) -> None:
    """A channel was created or changed."""
    guild = await ensure_guild(session, guild_discord_id, guild_name)
    await record_channel(session, guild, info)
    await session.commit()


async def drop_channel(session: AsyncSession, channel_discord_id: int) -> None:
    """A channel was deleted: its games stay, the channel is marked absent."""
    await session.execute(
        update(Channel).where(Channel.discord_id == channel_discord_id).values(bot_present=False)
    )
    await session.commit()


async def save_role(
    session: AsyncSession, guild_discord_id: int, guild_name: str, info: RoleInfo
) -> None:
    """A role was created or changed."""
    guild = await ensure_guild(session, guild_discord_id, guild_name)
    await ensure_role(session, guild, info.discord_id, info.name, info.permissions)
    await session.commit()


async def drop_role(session: AsyncSession, role_discord_id: int) -> None:
    """A role was deleted."""
    await session.execute(delete(Role).where(Role.discord_id == role_discord_id))
    await session.commit()

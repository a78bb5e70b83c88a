"""Per-server and per-channel defaults (reminders, player cap, host roles), Manage Server only."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.domain import games as rules
from game_scheduler.domain.permissions import Actor, can_configure, can_see
from game_scheduler.domain.reminders import effective_offsets, validate_offsets
from game_scheduler.errors import NotAllowed, NotFound
from game_scheduler.models import Channel, Guild


class SettingsChanges(BaseModel):
    """Only the fields given change; ``None`` means "inherit" (on a server: the defaults)."""

    model_config = ConfigDict(frozen=True)

    reminder_offsets: list[int] | None = None
    max_players: int | None = None
    host_role_ids: list[int] | None = None


@dataclass(frozen=True)
class ScopeSettings:
    """What a server or channel sets itself (None: inherited) and what is in force there."""

    scope: str
    name: str
    reminder_offsets: list[int] | None
    max_players: int | None
    host_role_ids: list[int] | None
    effective_offsets: list[int]
    effective_max_players: int
    effective_host_role_ids: list[int]


async def _load(
    session: AsyncSession, actor: Actor, guild_discord_id: int, channel_discord_id: int | None
) -> tuple[Guild, Channel | None]:
    guild = await session.scalar(select(Guild).where(Guild.discord_id == guild_discord_id))
    if guild is None or not can_see(actor, guild_discord_id):
        raise NotFound("this server is not known to the bot yet")
    if channel_discord_id is None:
        return guild, None
    channel = await session.scalar(
        select(Channel).where(
            Channel.discord_id == channel_discord_id, Channel.guild_id == guild.id
        )
    )
    if channel is None:
        raise NotFound("this channel is not known to the bot yet")
    return guild, channel


def _describe(guild: Guild, channel: Channel | None) -> ScopeSettings:
    defaults = get_settings()
    guild_max = guild.default_max_players
    if channel is None:
        return ScopeSettings(
            scope="server",
            name=guild.name,
            reminder_offsets=guild.reminder_offsets,
            max_players=guild_max,
            host_role_ids=list(guild.host_role_ids),
            effective_offsets=effective_offsets(None, None, guild.reminder_offsets),
            effective_max_players=guild_max or defaults.default_max_players,
            effective_host_role_ids=list(guild.host_role_ids),
        )
    channel_max = channel.default_max_players
    return ScopeSettings(
        scope="channel",
        name=channel.name,
        reminder_offsets=channel.reminder_offsets,
        max_players=channel_max,
        host_role_ids=channel.host_role_ids,
        effective_offsets=effective_offsets(None, channel.reminder_offsets, guild.reminder_offsets),
        effective_max_players=channel_max or guild_max or defaults.default_max_players,
        effective_host_role_ids=list(
            guild.host_role_ids if channel.host_role_ids is None else channel.host_role_ids
        ),
    )


async def read_settings(
    session: AsyncSession, actor: Actor, guild_discord_id: int, channel_discord_id: int | None
) -> ScopeSettings:
    """The settings of a server (no channel given) or of one of its channels."""
    guild, channel = await _load(session, actor, guild_discord_id, channel_discord_id)
    return _describe(guild, channel)


async def change_settings(
    session: AsyncSession,
    actor: Actor,
    guild_discord_id: int,
    channel_discord_id: int | None,
    changes: SettingsChanges,
) -> ScopeSettings:
    """Change a server's or channel's defaults; new games use them, existing games keep theirs."""
    guild, channel = await _load(session, actor, guild_discord_id, channel_discord_id)
    if not can_configure(actor, guild_discord_id):
        raise NotAllowed("only members with Manage Server can change game settings")
    given = changes.model_fields_set
    target: Guild | Channel = guild if channel is None else channel
    if "reminder_offsets" in given:
        offsets = changes.reminder_offsets
        target.reminder_offsets = None if offsets is None else validate_offsets(offsets)
    if "max_players" in given:
        cap = changes.max_players
        target.default_max_players = None if cap is None else rules.check_max_players(cap)
    if "host_role_ids" in given:
        roles = changes.host_role_ids
        if channel is None:
            guild.host_role_ids = sorted(set(roles or []))
        else:
            channel.host_role_ids = None if roles is None else sorted(set(roles))
    await session.commit()
    return _describe(guild, channel)

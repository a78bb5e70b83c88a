"""Server and channel settings: game defaults, host and manager roles; Manage Server only."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from game_scheduler.domain import games as rules
from game_scheduler.domain.permissions import Actor, can_configure, can_see
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.errors import NotAllowed, NotFound, ValidationError
from game_scheduler.models import Channel, Game, GameStatus, Guild, Role, utcnow
from game_scheduler.services.reminders import offsets_for, sync_reminders

MAX_ROLES = 100


class GuildSettingsChanges(BaseModel):
    """A partial update of a server's settings; only the fields given change."""

    model_config = ConfigDict(frozen=True)

    reminder_offsets: list[int] | None = None
    default_max_players: int | None = None
    host_role_ids: list[int] | None = None
    manager_role_ids: list[int] | None = None


class ChannelSettingsChanges(BaseModel):
    """A partial update of a channel's settings; ``None`` on an override means inherit."""

    model_config = ConfigDict(frozen=True)

    enabled: bool | None = None
    reminder_offsets: list[int] | None = None
    default_max_players: int | None = None
    host_role_ids: list[int] | None = None


@dataclass(frozen=True)
class GuildView:
    """A server with its channels and known roles, and whether the viewer may configure it."""

    guild: Guild
    channels: list[Channel]
    roles: list[Role]
    can_configure: bool


def _role_ids(values: list[int], field: str) -> list[int]:
    if len(values) > MAX_ROLES:
        raise ValidationError(f"at most {MAX_ROLES} roles are allowed", field)
    return sorted(set(values))


async def _load_guild(db: AsyncSession, actor: Actor, guild_discord_id: int) -> Guild:
    guild = (
        await db.execute(
            select(Guild)
            .where(Guild.discord_id == guild_discord_id)
            .options(selectinload(Guild.channels))
        )
    ).scalar_one_or_none()
    if guild is None or not can_see(actor, guild_discord_id):
        raise NotFound(f"server {guild_discord_id} not found")
    return guild


def _check_configure(actor: Actor, guild: Guild) -> None:
    if not can_configure(actor, guild.discord_id):
        raise NotAllowed("only members with Manage Server can change these settings")


async def get_guild(db: AsyncSession, actor: Actor, guild_discord_id: int) -> GuildView:
    """A server's settings for one of its members."""
    guild = await _load_guild(db, actor, guild_discord_id)
    roles = list(
        (
            await db.execute(select(Role).where(Role.guild_id == guild.id).order_by(Role.name))
        ).scalars()
    )
    channels = sorted(guild.channels, key=lambda c: (c.name, c.discord_id))
    return GuildView(guild, channels, roles, can_configure(actor, guild_discord_id))


async def _resync_reminders(db: AsyncSession, guild: Guild, channel: Channel | None) -> None:
    """Scheduled games that inherit offsets get reminders matching the new setting."""
    stmt = (
        select(Game)
        .where(Game.guild_id == guild.id, Game.status == GameStatus.SCHEDULED)
        .options(selectinload(Game.guild), selectinload(Game.channel))
        .with_for_update(of=Game)
    )
    if channel is not None:
        stmt = stmt.where(Game.channel_id == channel.id)
    now = utcnow()
    for game in (await db.execute(stmt)).scalars():
        if game.reminder_offsets is None:
            await sync_reminders(db, game, offsets_for(game), now)


async def update_guild_settings(
    db: AsyncSession, actor: Actor, guild_discord_id: int, changes: GuildSettingsChanges
) -> GuildView:
    """Change a server's defaults; games inheriting its reminder offsets follow."""
    guild = await _load_guild(db, actor, guild_discord_id)
    _check_configure(actor, guild)
    given = changes.model_fields_set
    if "reminder_offsets" in given:
        offsets = changes.reminder_offsets
        guild.reminder_offsets = None if offsets is None else validate_offsets(offsets)
    if "default_max_players" in given:
        value = changes.default_max_players
        guild.default_max_players = None if value is None else rules.check_max_players(value)
    if "host_role_ids" in given:
        guild.host_role_ids = _role_ids(changes.host_role_ids or [], "host_role_ids")
    if "manager_role_ids" in given:
        guild.manager_role_ids = _role_ids(changes.manager_role_ids or [], "manager_role_ids")
    if "reminder_offsets" in given:
        await db.flush()
        await _resync_reminders(db, guild, None)
    await db.commit()
    return await get_guild(db, actor, guild_discord_id)


async def update_channel_settings(
    db: AsyncSession,
    actor: Actor,
    guild_discord_id: int,
    channel_discord_id: int,
    changes: ChannelSettingsChanges,
) -> Channel:
    """Change a channel's overrides; ``None`` returns a setting to the server's."""
    guild = await _load_guild(db, actor, guild_discord_id)
    channel = next((c for c in guild.channels if c.discord_id == channel_discord_id), None)
    if channel is None:
        raise NotFound(f"channel {channel_discord_id} not found in this server")
    _check_configure(actor, guild)
    given = changes.model_fields_set
    if "enabled" in given and changes.enabled is not None:
        channel.enabled = changes.enabled
    if "reminder_offsets" in given:
        offsets = changes.reminder_offsets
        channel.reminder_offsets = None if offsets is None else validate_offsets(offsets)
    if "default_max_players" in given:
        value = changes.default_max_players
        channel.default_max_players = None if value is None else rules.check_max_players(value)
    if "host_role_ids" in given:
        roles = changes.host_role_ids
        channel.host_role_ids = None if roles is None else _role_ids(roles, "host_role_ids")
    if "reminder_offsets" in given:
        await db.flush()
        await _resync_reminders(db, guild, channel)
    await db.commit()
    return channel

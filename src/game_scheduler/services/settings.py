"""Server and channel settings, and what is in force there; only Manage Server changes them."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from game_scheduler.config import get_settings
from game_scheduler.database import lock_for_write
from game_scheduler.domain import games as rules
from game_scheduler.domain.offers import SEAT_SETTINGS, check_seat_setting
from game_scheduler.domain.permissions import Actor, can_configure, can_see
from game_scheduler.domain.quorum import QuorumAction, validate_deadline, validate_nudge
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.domain.zones import check_zone
from game_scheduler.errors import NotAllowed, NotFound, ValidationError
from game_scheduler.models import Channel, Game, GameStatus, Guild, Role, utcnow
from game_scheduler.services.ping_settings import PingChanges, apply_pings
from game_scheduler.services.reminders import inherited_offsets, sync_reminders

MAX_ROLES = 100


class DefaultsChanges(BaseModel):
    """What servers and channels both set for new games; only the fields given change."""

    model_config = ConfigDict(frozen=True)

    reminder_offsets: list[int] | None = None
    default_max_players: int | None = None
    seat_mode: str | None = None
    offer_window_minutes: int | None = None
    reconfirm_frees_seat: bool | None = None
    # Quorum (issue 16): deadline minutes before the start (0: none), action, nudge lead.
    quorum_deadline_minutes: int | None = None
    quorum_action: QuorumAction | None = None
    quorum_nudge_minutes: int | None = None
    remind_maybe: bool | None = None


class GuildSettingsChanges(DefaultsChanges, PingChanges):
    """A partial update of a server's settings; ``None`` offsets or cap mean the defaults."""

    host_role_ids: list[int] | None = None
    manager_role_ids: list[int] | None = None
    timezone: str | None = None  # IANA name times are read in; None or "" clears it (UTC)


class ChannelSettingsChanges(DefaultsChanges, PingChanges):
    """A partial update of a channel's settings; ``None`` on an override means inherit."""

    enabled: bool | None = None
    host_role_ids: list[int] | None = None


@dataclass(frozen=True)
class GuildView:
    """A server with its channels and known roles, and whether the viewer may configure it."""

    guild: Guild
    channels: list[Channel]
    roles: list[Role]
    can_configure: bool


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
    timezone: str | None = None  # the server's zone (channels have none of their own)


def describe_scope(guild: Guild, channel: Channel | None = None) -> ScopeSettings:
    """The settings a new game in ``channel`` (or anywhere in ``guild``) would inherit."""
    channel_max = None if channel is None else channel.default_max_players
    channel_roles = None if channel is None else channel.host_role_ids
    own: Guild | Channel = guild if channel is None else channel
    caps = (channel_max, guild.default_max_players, get_settings().default_max_players)
    roles = guild.host_role_ids if channel_roles is None else channel_roles
    return ScopeSettings(
        scope="server" if channel is None else "channel",
        name=own.name,
        reminder_offsets=own.reminder_offsets,
        max_players=own.default_max_players,
        host_role_ids=list(guild.host_role_ids) if channel is None else channel_roles,
        effective_offsets=inherited_offsets(channel, guild),
        effective_max_players=next(cap for cap in caps if cap is not None),
        effective_host_role_ids=list(roles),
        timezone=guild.timezone,
    )


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
        raise NotFound(f"server {guild_discord_id} is not known to the bot")
    return guild


def find_channel(channels: list[Channel], channel_discord_id: int) -> Channel:
    """One of a server's channels, by its Discord id."""
    channel = next((c for c in channels if c.discord_id == channel_discord_id), None)
    if channel is None:
        raise NotFound(f"channel {channel_discord_id} is not known to the bot in this server")
    return channel


def check_configure(actor: Actor, guild_discord_id: int) -> None:
    """Only members with Manage Server change a server's or channel's settings."""
    if not can_configure(actor, guild_discord_id):
        raise NotAllowed("only members with Manage Server can change game settings")


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


async def read_scope(
    db: AsyncSession, actor: Actor, guild_discord_id: int, channel_discord_id: int | None
) -> ScopeSettings:
    """The settings of a server (no channel given) or of one of its channels, with what applies."""
    guild = await _load_guild(db, actor, guild_discord_id)
    if channel_discord_id is None:
        return describe_scope(guild)
    return describe_scope(guild, find_channel(guild.channels, channel_discord_id))


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
            await sync_reminders(db, game, now)


def _set_defaults(target: Guild | Channel, changes: DefaultsChanges) -> None:
    given = changes.model_fields_set
    if "reminder_offsets" in given:
        offsets = changes.reminder_offsets
        target.reminder_offsets = None if offsets is None else validate_offsets(offsets)
    if "default_max_players" in given:
        value = changes.default_max_players
        target.default_max_players = None if value is None else rules.check_max_players(value)
    for field in SEAT_SETTINGS & given:  # seat offers: read when a seat frees, nothing to resync
        setattr(target, field, check_seat_setting(field, getattr(changes, field)))
    if "remind_maybe" in given:
        target.remind_maybe = changes.remind_maybe
    _set_quorum_defaults(target, changes)


def _set_quorum_defaults(target: Guild | Channel, changes: DefaultsChanges) -> None:
    given = changes.model_fields_set
    if "quorum_deadline_minutes" in given:
        deadline = changes.quorum_deadline_minutes
        target.quorum_deadline_minutes = None if deadline is None else validate_deadline(deadline)
    if "quorum_action" in given:
        action = changes.quorum_action
        target.quorum_action = None if action is None else action.value
    if "quorum_nudge_minutes" in given:
        lead = changes.quorum_nudge_minutes
        target.quorum_nudge_minutes = None if lead is None else validate_nudge(lead)


async def _save(
    db: AsyncSession, guild: Guild, channel: Channel | None, changes: DefaultsChanges
) -> None:
    """Commit, after moving the reminders of games that inherit changed offsets."""
    if "reminder_offsets" in changes.model_fields_set:
        await db.flush()
        await _resync_reminders(db, guild, channel)
    await db.commit()


async def update_guild_settings(
    db: AsyncSession, actor: Actor, guild_discord_id: int, changes: GuildSettingsChanges
) -> GuildView:
    """Change a server's defaults; games inheriting its reminder offsets follow."""
    await lock_for_write(db)
    guild = await _load_guild(db, actor, guild_discord_id)
    check_configure(actor, guild_discord_id)
    _set_defaults(guild, changes)
    given = changes.model_fields_set
    if "host_role_ids" in given:
        guild.host_role_ids = _role_ids(changes.host_role_ids or [], "host_role_ids")
    if "manager_role_ids" in given:
        guild.manager_role_ids = _role_ids(changes.manager_role_ids or [], "manager_role_ids")
    if "timezone" in given:
        guild.timezone = check_zone(changes.timezone) if changes.timezone else None
    await apply_pings(db, guild, guild, changes)
    await _save(db, guild, None, changes)
    return await get_guild(db, actor, guild_discord_id)


async def update_channel_settings(
    db: AsyncSession,
    actor: Actor,
    guild_discord_id: int,
    channel_discord_id: int,
    changes: ChannelSettingsChanges,
) -> Channel:
    """Change a channel's overrides; ``None`` returns a setting to the server's."""
    await lock_for_write(db)
    guild = await _load_guild(db, actor, guild_discord_id)
    channel = find_channel(guild.channels, channel_discord_id)
    check_configure(actor, guild_discord_id)
    _set_defaults(channel, changes)
    given = changes.model_fields_set
    if "enabled" in given and changes.enabled is not None:
        channel.enabled = changes.enabled
    if "host_role_ids" in given:
        roles = changes.host_role_ids
        channel.host_role_ids = None if roles is None else _role_ids(roles, "host_role_ids")
    await apply_pings(db, guild, channel, changes)
    await _save(db, guild, channel, changes)
    return channel

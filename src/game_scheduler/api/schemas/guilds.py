"""Servers, channels and their settings as the API reads and writes them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema

from game_scheduler.api.schemas.game_inputs import (
    Deadline,
    OfferWindow,
    Offsets,
    Players,
    SeatModeIn,
)
from game_scheduler.api.schemas.types import SNOWFLAKE_PATTERN, Snowflake, _parse_snowflake
from game_scheduler.api.schemas.zoned import ZoneName
from game_scheduler.domain.quorum import MAX_NUDGE_MINUTES, QuorumAction
from game_scheduler.models import Channel, Guild, Role
from game_scheduler.services.auth.membership import GuildAccess
from game_scheduler.services.settings import (
    MAX_ROLES,
    ChannelSettingsChanges,
    GuildSettingsChanges,
    GuildView,
)

RoleIds = Annotated[list[Snowflake], Field(max_length=MAX_ROLES)]
NudgeLead = Annotated[int, Field(ge=0, le=MAX_NUDGE_MINUTES)]


def _parse_channel_ping(value: Any) -> int:
    return 0 if value in ("0", 0) and not isinstance(value, bool) else _parse_snowflake(value)


# A channel's ping role: a role id, or "0" for no ping in this channel.
ChannelPingRole = Annotated[
    int,
    PlainValidator(_parse_channel_ping),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": "^0$|" + SNOWFLAKE_PATTERN[1:-1].join("^$")}),
]


class GuildSummaryOut(BaseModel):
    """A server the user shares with the bot."""

    id: Snowflake
    name: str
    can_configure: bool

    @classmethod
    def of(cls, access: GuildAccess) -> GuildSummaryOut:
        """From the user's cached Discord memberships."""
        return cls(id=access.discord_id, name=access.name, can_configure=access.manage)


def _quorum_of(target: Guild | Channel) -> dict[str, Any]:
    """The quorum settings a server or channel sets itself (null: inherited)."""
    action = target.quorum_action
    return {
        "quorum_deadline_minutes": target.quorum_deadline_minutes,
        "quorum_action": None if action is None else QuorumAction(action),
        "quorum_nudge_minutes": target.quorum_nudge_minutes,
    }


class ChannelOut(BaseModel):
    """A channel and its overrides (``null``: inherited from the server)."""

    id: Snowflake
    name: str
    enabled: bool
    bot_present: bool = Field(
        description="Whether the bot still sees the channel; games cannot be posted where not"
    )
    reminder_offsets: list[int] | None
    default_max_players: int | None
    host_role_ids: list[Snowflake] | None
    seat_mode: str | None = None
    offer_window_minutes: int | None = None
    reconfirm_frees_seat: bool | None = None
    ping_role_id: ChannelPingRole | None = Field(
        None, description='Role mentioned when a game is posted; "0": none here; null: inherited'
    )
    game_threads: bool | None = Field(None, description="A thread per game; null: inherited")
    thread_posts: bool | None = Field(
        None, description="Reminders and changes also posted in the thread; null: inherited"
    )
    quorum_deadline_minutes: int | None = None
    quorum_action: QuorumAction | None = None
    quorum_nudge_minutes: int | None = None
    remind_maybe: bool | None = Field(
        None, description="Whether players who answered maybe get reminders (null: inherited)"
    )

    @classmethod
    def of(cls, channel: Channel) -> ChannelOut:
        """From the model."""
        return cls(
            id=channel.discord_id,
            name=channel.name,
            enabled=channel.enabled,
            bot_present=channel.bot_present,
            reminder_offsets=channel.reminder_offsets,
            default_max_players=channel.default_max_players,
            host_role_ids=channel.host_role_ids,
            seat_mode=channel.seat_mode,
            offer_window_minutes=channel.offer_window_minutes,
            reconfirm_frees_seat=channel.reconfirm_frees_seat,
            ping_role_id=channel.ping_role_id,
            game_threads=channel.game_threads,
            thread_posts=channel.thread_posts,
            **_quorum_of(channel),
            remind_maybe=channel.remind_maybe,
        )


class RoleOut(BaseModel):
    """A server role, so pages can show names instead of ids."""

    id: Snowflake
    name: str

    @classmethod
    def of(cls, role: Role) -> RoleOut:
        """From the model."""
        return cls(id=role.discord_id, name=role.name)


class GuildSettingsOut(BaseModel):
    """A server's defaults (``null``: the deployment's default applies)."""

    reminder_offsets: list[int] | None
    default_max_players: int | None
    host_role_ids: list[Snowflake]
    manager_role_ids: list[Snowflake]
    timezone: str | None = None  # IANA zone typed times are read in (null: UTC)
    seat_mode: str | None = None
    offer_window_minutes: int | None = None
    reconfirm_frees_seat: bool | None = None
    ping_role_id: Snowflake | None = Field(None, description="Role mentioned when a game is posted")
    game_threads: bool = Field(False, description="Open a thread on each game's announcement")
    thread_posts: bool = Field(False, description="Post reminders and changes in the thread too")
    quorum_deadline_minutes: int | None = None
    quorum_action: QuorumAction | None = None
    quorum_nudge_minutes: int | None = None
    remind_maybe: bool | None = Field(
        None, description="Whether players who answered maybe get reminders (null: no)"
    )

    @classmethod
    def of(cls, guild: Guild) -> GuildSettingsOut:
        """From the model."""
        return cls(
            reminder_offsets=guild.reminder_offsets,
            default_max_players=guild.default_max_players,
            host_role_ids=guild.host_role_ids,
            manager_role_ids=guild.manager_role_ids,
            timezone=guild.timezone,
            seat_mode=guild.seat_mode,
            offer_window_minutes=guild.offer_window_minutes,
            reconfirm_frees_seat=guild.reconfirm_frees_seat,
            ping_role_id=guild.ping_role_id,
            game_threads=guild.game_threads,
            thread_posts=guild.thread_posts,
            **_quorum_of(guild),
            remind_maybe=guild.remind_maybe,
        )


class GuildOut(BaseModel):
    """A server with its settings, channels and roles."""

    id: Snowflake
    name: str
    can_configure: bool
    settings: GuildSettingsOut
    channels: list[ChannelOut]
    roles: list[RoleOut]

    @classmethod
    def of(cls, view: GuildView) -> GuildOut:
        """From the settings service's view."""
        return cls(
            id=view.guild.discord_id,
            name=view.guild.name,
            can_configure=view.can_configure,
            settings=GuildSettingsOut.of(view.guild),
            channels=[ChannelOut.of(c) for c in view.channels],
            roles=[RoleOut.of(r) for r in view.roles],
        )


class GuildSettingsPatch(BaseModel):
    """Only the fields sent change; ``null`` offsets or cap fall back to the default."""

    model_config = ConfigDict(extra="forbid")

    reminder_offsets: Offsets | None = None
    default_max_players: Players | None = None
    host_role_ids: RoleIds | None = None
    manager_role_ids: RoleIds | None = None
    timezone: ZoneName | None = None  # null: UTC
    seat_mode: SeatModeIn | None = None
    offer_window_minutes: OfferWindow | None = None
    reconfirm_frees_seat: bool | None = None
    ping_role_id: Snowflake | None = None
    game_threads: bool | None = None
    thread_posts: bool | None = None
    quorum_deadline_minutes: Deadline | None = None
    quorum_action: QuorumAction | None = None
    quorum_nudge_minutes: NudgeLead | None = None
    remind_maybe: bool | None = None

    def to_changes(self) -> GuildSettingsChanges:
        """The service's input, keeping which fields were sent."""
        return GuildSettingsChanges(**self.model_dump(exclude_unset=True))


class ChannelSettingsPatch(BaseModel):
    """Only the fields sent change; ``null`` on an override inherits the server's setting."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    reminder_offsets: Offsets | None = None
    default_max_players: Players | None = None
    host_role_ids: RoleIds | None = None
    seat_mode: SeatModeIn | None = None
    offer_window_minutes: OfferWindow | None = None
    reconfirm_frees_seat: bool | None = None
    ping_role_id: ChannelPingRole | None = None
    game_threads: bool | None = None
    thread_posts: bool | None = None
    quorum_deadline_minutes: Deadline | None = None
    quorum_action: QuorumAction | None = None
    quorum_nudge_minutes: NudgeLead | None = None
    remind_maybe: bool | None = None

    def to_changes(self) -> ChannelSettingsChanges:
        """The service's input, keeping which fields were sent."""
        return ChannelSettingsChanges(**self.model_dump(exclude_unset=True))

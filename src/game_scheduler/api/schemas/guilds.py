"""Servers, channels and their settings as the API reads and writes them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from game_scheduler.api.schemas.games import Offsets, Players
from game_scheduler.api.schemas.types import Snowflake
from game_scheduler.models import Channel, Guild, Role
from game_scheduler.services.auth.membership import GuildAccess
from game_scheduler.services.settings import (
    MAX_ROLES,
    ChannelSettingsChanges,
    GuildSettingsChanges,
    GuildView,
)

RoleIds = Annotated[list[Snowflake], Field(max_length=MAX_ROLES)]


class GuildSummaryOut(BaseModel):
    """A server the user shares with the bot."""

    id: Snowflake
    name: str
    can_configure: bool

    @classmethod
    def of(cls, access: GuildAccess) -> GuildSummaryOut:
        """From the user's cached Discord memberships."""
        return cls(id=access.discord_id, name=access.name, can_configure=access.manage)


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
    remind_maybe: bool | None = None

    def to_changes(self) -> ChannelSettingsChanges:
        """The service's input, keeping which fields were sent."""
        return ChannelSettingsChanges(**self.model_dump(exclude_unset=True))

"""Servers shared with the bot, and their and their channels' settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from game_scheduler.api.deps import CurrentActor, CurrentPrincipal, DbSession, WritingActor
from game_scheduler.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from game_scheduler.api.schemas.guilds import (
    ChannelOut,
    ChannelSettingsPatch,
    GuildOut,
    GuildSettingsPatch,
    GuildSummaryOut,
)
from game_scheduler.api.schemas.types import Snowflake
from game_scheduler.services import settings
from game_scheduler.services.auth.membership import cached_access

router = APIRouter(prefix="/api/v1/guilds", tags=["guilds"])

GuildId = Annotated[Snowflake, Path(description="The server's Discord id")]
ChannelId = Annotated[Snowflake, Path(description="The channel's Discord id")]


@router.get("", responses=ERROR_RESPONSES)
async def list_guilds(principal: CurrentPrincipal) -> list[GuildSummaryOut]:
    """The servers you share with the bot (from Discord, re-read every minute)."""
    return [GuildSummaryOut.of(a) for a in cached_access(principal.web_session)]


@router.get("/{guild_id}", responses=ERROR_RESPONSES)
async def get_guild(db: DbSession, actor: CurrentActor, guild_id: GuildId) -> GuildOut:
    """A server's settings, channels and roles (any member may read them)."""
    return GuildOut.of(await settings.get_guild(db, actor, guild_id))


@router.patch("/{guild_id}/settings", responses=WRITE_RESPONSES)
async def update_guild_settings(
    db: DbSession, actor: WritingActor, guild_id: GuildId, body: GuildSettingsPatch
) -> GuildOut:
    """Change a server's defaults and roles (Manage Server only)."""
    return GuildOut.of(await settings.update_guild_settings(db, actor, guild_id, body.to_changes()))


@router.patch("/{guild_id}/channels/{channel_id}/settings", responses=WRITE_RESPONSES)
async def update_channel_settings(
    db: DbSession,
    actor: WritingActor,
    guild_id: GuildId,
    channel_id: ChannelId,
    body: ChannelSettingsPatch,
) -> ChannelOut:
    """Enable or disable a channel, or override the server's settings there (Manage Server)."""
    channel = await settings.update_channel_settings(
        db, actor, guild_id, channel_id, body.to_changes()
    )
    return ChannelOut.of(channel)

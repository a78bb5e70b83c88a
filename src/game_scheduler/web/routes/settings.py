"""Server and channel settings, for members with Manage Server."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from game_scheduler.config import get_settings
from game_scheduler.domain.zones import zone_names
from game_scheduler.errors import ValidationError
from game_scheduler.models import Channel
from game_scheduler.services import settings
from game_scheduler.services.auth.principal import Principal
from game_scheduler.web.defaults_form import inherited
from game_scheduler.web.deps import DashboardRoute, DbSession, DiscordId, Posted, Viewer
from game_scheduler.web.flash import redirect
from game_scheduler.web.forms import add_error
from game_scheduler.web.rendering import render
from game_scheduler.web.settings_form import (
    RENAMES,
    SettingsForm,
    channel_form,
    guild_form,
    posted_channel,
    posted_guild,
)

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


async def _configurable(db: DbSession, principal: Principal, guild_id: int) -> settings.GuildView:
    view = await settings.get_guild(db, principal.actor, guild_id)
    settings.check_configure(principal.actor, guild_id)
    return view


def _render_guild(
    request: Request,
    principal: Principal,
    view: settings.GuildView,
    form: SettingsForm,
    status: int,
) -> Response:
    context = {
        "title": f"Settings of {view.guild.name or 'the server'}",
        "form_url": f"/servers/{view.guild.discord_id}/settings",
        "view": view,
        "form": form,
        "default_max_players": get_settings().default_max_players,
        "zone_names": zone_names(),
        "inherited": inherited(),
    }
    return render(request, "settings.html", context, viewer=principal, status=status)


@router.get("/servers/{guild_id}/settings")
async def guild_settings(
    request: Request, db: DbSession, principal: Viewer, guild_id: DiscordId
) -> Response:
    """The server's defaults and roles, and its channels."""
    view = await _configurable(db, principal, guild_id)
    return _render_guild(request, principal, view, guild_form(view.guild), 200)


@router.post("/servers/{guild_id}/settings")
async def save_guild_settings(
    request: Request, db: DbSession, post: Posted, guild_id: DiscordId
) -> Response:
    """Save the server's settings; games inheriting its reminders follow."""
    view = await _configurable(db, post.principal, guild_id)
    form, changes = posted_guild(post)
    if changes is not None:
        try:
            await settings.update_guild_settings(db, post.principal.actor, guild_id, changes)
        except ValidationError as error:
            add_error(form.errors, error, RENAMES)
        else:
            return redirect(f"/servers/{guild_id}/settings", "success", "Settings saved.")
    return _render_guild(request, post.principal, view, form, 422)


def _render_channel(
    request: Request,
    principal: Principal,
    view: settings.GuildView,
    channel: Channel,
    form: SettingsForm,
    status: int,
) -> Response:
    context = {
        "title": f"Settings of #{channel.name or channel.discord_id}",
        "form_url": f"/servers/{view.guild.discord_id}/channels/{channel.discord_id}/settings",
        "view": view,
        "channel": channel,
        "form": form,
        "default_max_players": get_settings().default_max_players,
        "inherited": inherited(view.guild),
    }
    return render(request, "channel_settings.html", context, viewer=principal, status=status)


@router.get("/servers/{guild_id}/channels/{channel_id}/settings")
async def channel_settings(
    request: Request, db: DbSession, principal: Viewer, guild_id: DiscordId, channel_id: DiscordId
) -> Response:
    """A channel's overrides of the server's settings."""
    view = await _configurable(db, principal, guild_id)
    channel = settings.find_channel(view.channels, channel_id)
    return _render_channel(request, principal, view, channel, channel_form(channel), 200)


@router.post("/servers/{guild_id}/channels/{channel_id}/settings")
async def save_channel_settings(
    request: Request, db: DbSession, post: Posted, guild_id: DiscordId, channel_id: DiscordId
) -> Response:
    """Save a channel's overrides."""
    view = await _configurable(db, post.principal, guild_id)
    channel = settings.find_channel(view.channels, channel_id)
    form, changes = posted_channel(post)
    if changes is not None:
        try:
            await settings.update_channel_settings(
                db, post.principal.actor, guild_id, channel_id, changes
            )
        except ValidationError as error:
            add_error(form.errors, error, RENAMES)
        else:
            url = f"/servers/{guild_id}/settings"
            return redirect(url, "success", f"Settings of #{channel.name} saved.")
    return _render_channel(request, post.principal, view, channel, form, 422)

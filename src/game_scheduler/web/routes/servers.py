"""The viewer's servers and a server's upcoming games."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response

from game_scheduler.services import queries, settings
from game_scheduler.services.auth.membership import cached_access
from game_scheduler.web.deps import DashboardRoute, DbSession, DiscordId, Viewer
from game_scheduler.web.game_form import channel_choices
from game_scheduler.web.rendering import render

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

PAGE_SIZE = 20


@router.get("/servers")
async def servers(request: Request, principal: Viewer) -> Response:
    """The servers the viewer shares with the bot."""
    accesses = sorted(cached_access(principal.web_session), key=lambda a: a.name.lower())
    context = {"title": "Your servers", "servers": accesses}
    return render(request, "servers.html", context, viewer=principal)


def _number(text: str, limit: int) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,19}", text) and int(text) <= limit else None


@router.get("/servers/{guild_id}")
async def server_games(
    request: Request,
    db: DbSession,
    principal: Viewer,
    guild_id: DiscordId,
    channel: str = "",
    mine: str = "",
    offset: str = "",
) -> Response:
    """Upcoming games, soonest first, optionally in one channel or only the viewer's."""
    view = await settings.get_guild(db, principal.actor, guild_id)
    channel_id = _number(channel, 2**63 - 1)
    start = _number(offset, 1_000_000) or 0
    filters = queries.GameFilters(
        guild_discord_id=guild_id,
        channel_discord_id=channel_id,
        statuses=queries.UPCOMING,
        mine=bool(mine),
    )
    page = await queries.list_games(db, principal.actor, filters, PAGE_SIZE, start)
    query = f"channel={channel_id or ''}&mine={'1' if mine else ''}"
    context = {
        "title": view.guild.name or "Server",
        "view": view,
        "page": page,
        "channel_id": channel_id,
        "mine": bool(mine),
        "can_host": bool(channel_choices(view, principal.actor)),
        "games_accepted": any(c.enabled for c in view.channels),
        "previous_url": f"?{query}&offset={max(0, start - PAGE_SIZE)}" if start else "",
        "next_url": f"?{query}&offset={start + PAGE_SIZE}"
        if start + PAGE_SIZE < page.total
        else "",
    }
    return render(request, "server.html", context, viewer=principal)

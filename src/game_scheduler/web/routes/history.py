"""The server's Past tab (with its stats) and the host's attendance form for a finished game."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response

from game_scheduler.domain.attendance import Mark
from game_scheduler.domain.history import Month, parse_month
from game_scheduler.errors import NotAllowed, ValidationError
from game_scheduler.services import history, settings, stats
from game_scheduler.web.deps import DashboardRoute, DbSession, DiscordId, GameId, Posted, Viewer
from game_scheduler.web.flash import redirect
from game_scheduler.web.rendering import render

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

PAGE_SIZE = 20
MARK_LABELS = {Mark.ATTENDED: "Came", Mark.NO_SHOW: "No-show"}


def _number(text: str, limit: int) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,19}", text) and int(text) <= limit else None


def _month(text: str) -> Month | None:
    try:
        return parse_month(text) if text.strip() else None
    except ValidationError:
        return None


@router.get("/servers/{guild_id}/past")
async def past_games(
    request: Request,
    db: DbSession,
    principal: Viewer,
    guild_id: DiscordId,
    month: str = "",
    host: str = "",
    offset: str = "",
) -> Response:
    """Completed and cancelled games, newest first, with rosters, marks and the server's stats."""
    actor = principal.actor
    view = await settings.get_guild(db, actor, guild_id)
    chosen_month = _month(month)
    host_id = _number(host, 2**63 - 1)
    start = _number(offset, 1_000_000) or 0
    filters = history.PastFilters(guild_id, chosen_month, host_id)
    page = await history.list_past_games(db, actor, filters, PAGE_SIZE, start)
    query = f"month={chosen_month or ''}&host={host_id or ''}"
    context = {
        "title": f"Past games of {view.guild.name or 'the server'}",
        "view": view,
        "page": page,
        "month": str(chosen_month or ""),
        "month_refused": bool(month.strip()) and chosen_month is None,
        "host_id": host_id,
        "hosts": await history.past_hosts(db, actor, guild_id),
        "server_stats": await stats.server_stats(db, actor, guild_id),
        "my_stats": (await stats.player_stats(db, actor, actor.discord_id, guild_id)).stats,
        "mark_labels": MARK_LABELS,
        "previous_url": f"?{query}&offset={max(0, start - PAGE_SIZE)}" if start else "",
        "next_url": f"?{query}&offset={start + PAGE_SIZE}"
        if start + PAGE_SIZE < page.total
        else "",
    }
    return render(request, "past.html", context, viewer=principal)


@router.get("/games/{game_id}/attendance")
async def attendance_form(
    request: Request, db: DbSession, principal: Viewer, game_id: GameId
) -> Response:
    """Who held a seat, each marked came / no-show (the host or a manager, after the game)."""
    past = await history.read_attendance(db, principal.actor, game_id)
    if not past.can_mark:
        if past.game.status.value != "COMPLETED":
            return redirect(
                f"/games/{game_id}", "error", "Attendance is marked once the game has completed."
            )
        raise NotAllowed("only the host or a bot manager can mark attendance")
    context = {
        "title": f"Attendance: {past.game.title}",
        "past": past,
        "game": past.game,
        "marks": list(Mark),
        "mark_labels": MARK_LABELS,
    }
    return render(request, "attendance.html", context, viewer=principal)


@router.post("/games/{game_id}/attendance")
async def save_attendance(db: DbSession, post: Posted, game_id: GameId) -> Response:
    """Save the marks chosen; players left unchosen keep theirs."""
    marks: dict[int, str] = {}
    for name in post.form:
        found = re.fullmatch(r"mark-(\d{1,19})", name)
        if found and post.text(name):
            marks[int(found.group(1))] = post.text(name)
    url = f"/games/{game_id}/attendance"
    try:
        await history.mark_attendance(db, post.principal.actor, game_id, marks)
    except ValidationError as error:
        return redirect(url, "error", str(error)[:1].upper() + str(error)[1:] + ".")
    return redirect(url, "success", "Attendance saved.")


@router.get("/me/stats")
async def my_stats(request: Request, db: DbSession, principal: Viewer) -> Response:
    """The viewer's games played and no-shows, per server they share with the bot."""
    actor = principal.actor
    records = await stats.player_stats_by_server(db, actor, actor.discord_id)
    context = {"title": "Your stats", "records": records}
    return render(request, "my_stats.html", context, viewer=principal)

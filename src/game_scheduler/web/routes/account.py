"""The viewer's calendar feed, and the console bot's log in the all-in-one mode."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response

from game_scheduler.errors import NotFound
from game_scheduler.services import calendar
from game_scheduler.services.discord_names import read_names
from game_scheduler.web.console_view import body, build_page, heading, ids_to_name
from game_scheduler.web.deps import DashboardRoute, DbSession, Posted, Viewer
from game_scheduler.web.flash import redirect
from game_scheduler.web.rendering import dashboard_config, render

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

CONSOLE_LIMIT = 200


@router.get("/me/calendar")
async def calendar_page(request: Request, principal: Viewer) -> Response:
    """The private feed URL to subscribe to, and a way to replace it."""
    token = principal.web_session.user.calendar_token
    context = {"title": "Your calendar feed", "feed_url": calendar.feed_url(token)}
    return render(request, "calendar.html", context, viewer=principal)


@router.post("/me/calendar/regenerate")
async def regenerate(db: DbSession, post: Posted) -> Response:
    """Make a new feed URL; the old one stops working at once."""
    await calendar.regenerate_calendar_token(db, post.principal.actor)
    text = "New feed link made; the old one no longer works."
    return redirect("/me/calendar", "success", text)


@router.get("/console")
async def console(
    request: Request, db: DbSession, principal: Viewer, kind: str = "", game: str = ""
) -> Response:
    """What the console bot "sent" (announcements, reminders, DMs), newest first, filtered."""
    feed = dashboard_config(request).console_messages
    if feed is None:
        raise NotFound("the bot is not running in console mode")
    page = build_page(list(feed())[-CONSOLE_LIMIT:], kind, game)
    names = await read_names(db, *ids_to_name(page.entries))
    messages = [
        {
            "at": entry.at,
            "at_is_time": isinstance(entry.at, datetime),
            "heading": heading(entry, names),
            "body": body(entry, names),
            "repeats": entry.repeats,
            "action": entry.action,
        }
        for entry in page.entries
    ]
    context = {"title": "Bot console", "messages": messages, "page": page}
    return render(request, "console.html", context, viewer=principal)

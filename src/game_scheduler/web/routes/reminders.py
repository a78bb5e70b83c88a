"""The viewer's own reminder times and how reminders reach them (the account page)."""

from __future__ import annotations

from types import SimpleNamespace

from fastapi import APIRouter, Request, Response

from game_scheduler.errors import ValidationError
from game_scheduler.services.personal_reminders import read_preferences, save_preferences
from game_scheduler.web.deps import DashboardRoute, DbSession, Posted, Viewer
from game_scheduler.web.flash import redirect
from game_scheduler.web.forms import Errors, Values, add_error, offsets_value, parse_offsets
from game_scheduler.web.rendering import render

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

PATH = "/me/reminders"


def _page(request: Request, principal: Viewer, values: Values, errors: Errors) -> Response:
    form = SimpleNamespace(values=values, errors=errors)
    context = {"title": "Your reminders", "form": form}
    return render(
        request, "reminders.html", context, viewer=principal, status=422 if errors else 200
    )


@router.get(PATH)
async def reminders_page(request: Request, db: DbSession, principal: Viewer) -> Response:
    """The offsets set (blank: each game's own) and the mention choice."""
    prefs = await read_preferences(db, principal.actor.discord_id)
    values = {
        "reminder_offsets": offsets_value(prefs.offsets),
        "delivery": "mention" if prefs.mention else "dm",
    }
    return _page(request, principal, values, {})


@router.post(PATH)
async def save(request: Request, db: DbSession, post: Posted) -> Response:
    """Save; every scheduled game the viewer is in re-derives their reminders."""
    values = {"reminder_offsets": post.text("reminder_offsets"), "delivery": post.text("delivery")}
    errors: Errors = {}
    offsets = parse_offsets(values, "reminder_offsets", errors)
    if values["delivery"] not in ("dm", "mention"):
        errors["delivery"] = "choose direct messages or a mention"
    if not errors:
        actor = post.principal.actor
        try:
            await save_preferences(
                db,
                actor.discord_id,
                actor.username,
                offsets=offsets,
                mention=values["delivery"] == "mention",
            )
        except ValidationError as error:
            add_error(errors, error)
    if errors:
        return _page(request, post.principal, values, errors)
    return redirect(PATH, "success", "Your reminder settings are saved.")

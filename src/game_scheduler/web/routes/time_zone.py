"""The viewer's own time zone: the zone their typed times are read in, here and in Discord."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from game_scheduler.domain.zones import zone_names
from game_scheduler.errors import ValidationError
from game_scheduler.services import zones
from game_scheduler.services.auth.principal import Principal
from game_scheduler.web.deps import DashboardRoute, DbSession, Posted, Viewer
from game_scheduler.web.flash import redirect
from game_scheduler.web.rendering import render
from game_scheduler.web.settings_form import SettingsForm

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def _render(request: Request, principal: Principal, form: SettingsForm, status: int) -> Response:
    context = {"title": "Your time zone", "form": form, "zone_names": zone_names()}
    return render(request, "time_zone.html", context, viewer=principal, status=status)


@router.get("/me/timezone")
async def time_zone_page(request: Request, db: DbSession, principal: Viewer) -> Response:
    """The zone saved for the viewer (blank: none, so the server's or the browser's applies)."""
    saved = await zones.user_zone(db, principal.actor.discord_id)
    return _render(request, principal, SettingsForm({"timezone": saved or ""}, {}), 200)


@router.post("/me/timezone")
async def save_time_zone(request: Request, db: DbSession, post: Posted) -> Response:
    """Save (or clear) the viewer's zone."""
    chosen = post.text("timezone")
    try:
        saved = await zones.set_user_zone(db, post.principal.actor, chosen)
    except ValidationError as error:
        form = SettingsForm({"timezone": chosen}, {}, {"timezone": str(error)})
        return _render(request, post.principal, form, 422)
    text = f"Your time zone is now {saved}." if saved else "Your time zone is cleared."
    return redirect("/me/timezone", "success", text)

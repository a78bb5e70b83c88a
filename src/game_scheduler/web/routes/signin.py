"""Sign in (with Discord, or as the demo user in the all-in-one mode) and sign out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Query, Request, Response

from game_scheduler.config import get_settings
from game_scheduler.models import utcnow
from game_scheduler.services.auth import sessions
from game_scheduler.services.auth.cookies import (
    COOKIE_NAME,
    clear_session_cookie,
    set_session_cookie,
)
from game_scheduler.services.auth.demo import (
    DEMO_GUILD_ID,
    DEMO_IDENTITIES,
    demo_identity,
    demo_login_available,
    open_demo_session,
)
from game_scheduler.services.auth.login import safe_next
from game_scheduler.web.deps import (
    DashboardRoute,
    DbSession,
    OptionalViewer,
    Posted,
    Viewer,
    error_page,
)
from game_scheduler.web.flash import redirect
from game_scheduler.web.rendering import dashboard_config, render

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


@router.get("/")
async def home(_viewer: Viewer) -> Response:
    """The dashboard starts at the viewer's servers."""
    return redirect("/servers")


@router.get("/signin")
async def signin_page(
    request: Request, principal: OptionalViewer, next_url: Annotated[str, Query(alias="next")] = ""
) -> Response:
    """Offer Discord's login, and the demo user's when this process allows it."""
    target = safe_next(next_url) if next_url else "/servers"
    if principal is not None:
        return redirect(target)
    context = {
        "title": "Sign in",
        "next": target,
        "discord_login_url": f"/auth/login?next={quote(target, safe='/')}",
        "discord_configured": bool(get_settings().discord_client_id),
        "demo": demo_login_available(dashboard_config(request).demo_login),
        "identities": DEMO_IDENTITIES,
    }
    return render(request, "signin.html", context)


def _same_origin(request: Request) -> bool:
    """A browser names the page a form came from; refuse posts from other sites."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


@router.post("/signin/demo")
async def demo_signin(request: Request, db: DbSession) -> Response:
    """Open a session for the demo user: only in the all-in-one mode without Discord set up."""
    if not demo_login_available(dashboard_config(request).demo_login):
        return error_page(request, 404, "Not found", "No such page.")
    if not _same_origin(request):
        return error_page(request, 403, "Form rejected", "This form came from another site.")
    form = await request.form()
    next_value = form.get("next")
    target = safe_next(next_value) if isinstance(next_value, str) and next_value else ""
    chosen = form.get("as")
    identity = demo_identity(chosen if isinstance(chosen, str) else "")
    created = await open_demo_session(db, utcnow(), identity)
    response = redirect(
        target or f"/servers/{DEMO_GUILD_ID}", "success", f"Signed in as {identity.name}"
    )
    set_session_cookie(response, created.cookie_value)
    return response


@router.post("/signout")
async def signout(request: Request, db: DbSession, _post: Posted) -> Response:
    """End the session here and in the database."""
    await sessions.delete_session(db, request.cookies.get(COOKIE_NAME, ""))
    response = redirect("/signin", "success", "Signed out")
    clear_session_cookie(response)
    return response

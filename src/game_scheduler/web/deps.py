"""Who is asking, CSRF checks on every form post, and domain errors shown as pages."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from game_scheduler import errors
from game_scheduler.database import db_session_dependency
from game_scheduler.models import utcnow
from game_scheduler.services.auth.cookies import COOKIE_NAME, clear_session_cookie
from game_scheduler.services.auth.discord_api import DiscordError
from game_scheduler.services.auth.membership import SessionEnded
from game_scheduler.services.auth.principal import Principal, resolve_principal
from game_scheduler.services.auth.sessions import check_csrf
from game_scheduler.services.throttle import Throttled
from game_scheduler.web.flash import redirect
from game_scheduler.web.rendering import render

DbSession = Annotated[AsyncSession, Depends(db_session_dependency)]
MAX_ID = 2**63 - 1
GameId = Annotated[int, Path(ge=1, le=MAX_ID)]
DiscordId = Annotated[int, Path(ge=1, le=MAX_ID)]


class SignInRequired(Exception):
    """The page needs a signed-in user; send the browser to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRejected(Exception):
    """A form post without this session's CSRF token: possibly forged, never acted on."""


async def optional_viewer(request: Request, db: DbSession) -> Principal | None:
    """The signed-in user, if any (kept on the request for error pages)."""
    principal = await resolve_principal(db, request.cookies.get(COOKIE_NAME), utcnow())
    request.state.principal = principal
    return principal


async def viewer(
    request: Request, principal: Annotated[Principal | None, Depends(optional_viewer)]
) -> Principal:
    """The signed-in user; anyone else is sent to sign in and brought back afterwards."""
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target if request.method == "GET" else "/")
    return principal


@dataclass(frozen=True)
class FormPost:
    """A form post whose CSRF token matched, and who sent it."""

    principal: Principal
    form: FormData

    def text(self, name: str) -> str:
        """A text field ("" when absent or not text)."""
        value = self.form.get(name)
        return value if isinstance(value, str) else ""

    def texts(self, name: str) -> list[str]:
        """Every value of a repeated field (checkboxes)."""
        return [v for v in self.form.getlist(name) if isinstance(v, str)]


async def form_post(request: Request, principal: Annotated[Principal, Depends(viewer)]) -> FormPost:
    """Read the form and check its CSRF token (constant time) before anything happens."""
    form = await request.form()
    token = form.get("csrf_token")
    if not isinstance(token, str) or not check_csrf(principal.web_session, token):
        raise CsrfRejected
    return FormPost(principal, form)


Viewer = Annotated[Principal, Depends(viewer)]
OptionalViewer = Annotated[Principal | None, Depends(optional_viewer)]
Posted = Annotated[FormPost, Depends(form_post)]


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    """A page explaining what went wrong, in the site's layout."""
    principal = getattr(request.state, "principal", None)
    context = {"title": title, "message": message, "status": status}
    return render(request, "error.html", context, viewer=principal, status=status)


def _page_for(request: Request, error: Exception) -> Response:
    if isinstance(error, SignInRequired):
        return redirect(f"/signin?next={quote(error.next_url, safe='/')}")
    if isinstance(error, SessionEnded):
        response = redirect("/signin", "error", str(error))
        clear_session_cookie(response)
        return response
    if isinstance(error, CsrfRejected):
        message = "This form was not sent from this site's page, or it expired. Nothing changed."
        return error_page(request, 403, "Form rejected", message + " Go back, reload, try again.")
    if isinstance(error, RequestValidationError | errors.NotFound):
        message = str(error) if isinstance(error, errors.NotFound) else "No such page."
        return error_page(request, 404, "Not found", message)
    if isinstance(error, errors.NotAllowed):
        return error_page(request, 403, "Not allowed", str(error))
    if isinstance(error, Throttled):
        page = error_page(request, 429, "Slow down", str(error))
        page.headers["Retry-After"] = str(error.retry_after)
        return page
    if isinstance(error, DiscordError):
        return error_page(request, 503, "Discord unavailable", str(error))
    return error_page(request, 400, "Something is wrong", str(error))


class DashboardRoute(APIRoute):
    """A route whose errors become pages (the JSON API's handlers are for the API)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the handler, dependencies included, in the mapping to pages."""
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (
                SignInRequired,
                CsrfRejected,
                RequestValidationError,
                errors.GameSchedulerError,
            ) as error:
                return _page_for(request, error)

        return handle

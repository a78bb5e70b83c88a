"""Sign in with Discord (authorization code + PKCE) and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import RedirectResponse

from game_scheduler.api.deps import DbSession, session_cookie
from game_scheduler.api.schemas.types import ErrorOut
from game_scheduler.models import utcnow
from game_scheduler.services.auth import login, sessions
from game_scheduler.services.auth.cookies import clear_session_cookie, set_session_cookie

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get(
    "/login",
    status_code=307,
    response_class=RedirectResponse,
    responses={503: {"model": ErrorOut, "description": "Login is not configured"}},
)
async def start_login(
    db: DbSession, next: Annotated[str | None, Query(max_length=500)] = None
) -> RedirectResponse:
    """Send the browser to Discord with a fresh single-use state and PKCE challenge."""
    url = await login.begin_login(db, next, utcnow())
    return RedirectResponse(url, status_code=307)


@router.get(
    "/callback",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        400: {"model": ErrorOut, "description": "Expired, replayed or refused login"},
        503: {"model": ErrorOut, "description": "Discord unreachable"},
    },
)
async def finish_login(
    db: DbSession,
    state: Annotated[str, Query(max_length=128)] = "",
    code: Annotated[str, Query(max_length=512)] = "",
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> RedirectResponse:
    """Discord sends the browser back here; open a session and set its cookie."""
    if error is not None:
        raise login.LoginFailed("the login was cancelled on Discord")
    result = await login.complete_login(db, state, code, utcnow())
    response = RedirectResponse(result.next_url, status_code=303)
    set_session_cookie(response, result.cookie_value)
    return response


@router.post("/logout", status_code=204, response_class=Response)
async def logout(db: DbSession, cookie: Annotated[str | None, Depends(session_cookie)]) -> Response:
    """End the session server-side and clear the cookie (harmless when not signed in)."""
    if cookie:
        await sessions.delete_session(db, cookie)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response

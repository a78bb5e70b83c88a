"""Sign in with Discord (authorization code + PKCE) and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse

from game_scheduler.api.deps import CSRF_REFUSED, DbSession, csrf_header, session_cookie
from game_scheduler.api.errors import THROTTLED_RESPONSE
from game_scheduler.api.schemas.types import ErrorOut
from game_scheduler.models import utcnow
from game_scheduler.services import throttle
from game_scheduler.services.auth import login, sessions
from game_scheduler.services.auth.cookies import (
    clear_login_cookie,
    clear_session_cookie,
    login_cookie_name,
    set_login_cookie,
    set_session_cookie,
)

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get(
    "/login",
    status_code=307,
    response_class=RedirectResponse,
    responses={
        429: THROTTLED_RESPONSE,
        503: {"model": ErrorOut, "description": "Login is not configured"},
    },
)
async def start_login(
    request: Request, db: DbSession, next: Annotated[str | None, Query(max_length=500)] = None
) -> RedirectResponse:
    """Send the browser to Discord with a fresh single-use state bound to it by a cookie."""
    now = utcnow()
    await throttle.take_login_attempt(db, request.client.host if request.client else "", now)
    started = await login.begin_login(db, next, now)
    response = RedirectResponse(started.url, status_code=307)
    set_login_cookie(response, started.state)
    return response


@router.get(
    "/callback",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        400: {"model": ErrorOut, "description": "Expired, replayed, refused or foreign login"},
        503: {"model": ErrorOut, "description": "Discord unreachable"},
    },
)
async def finish_login(
    request: Request,
    db: DbSession,
    state: Annotated[str, Query(max_length=128)] = "",
    code: Annotated[str, Query(max_length=512)] = "",
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> RedirectResponse:
    """Discord sends the browser back here; open a session and set its cookie."""
    if error is not None:
        raise login.LoginFailed("the login was cancelled on Discord")
    browser_state = request.cookies.get(login_cookie_name())
    result = await login.complete_login(db, state, code, utcnow(), browser_state)
    response = RedirectResponse(result.next_url, status_code=303)
    set_session_cookie(response, result.cookie_value)
    clear_login_cookie(response)
    return response


@router.post(
    "/logout",
    status_code=204,
    response_class=Response,
    responses={403: {"model": ErrorOut, "description": "The X-CSRF-Token header is wrong"}},
)
async def logout(
    db: DbSession,
    cookie: Annotated[str | None, Depends(session_cookie)],
    token: Annotated[str | None, Depends(csrf_header)],
) -> Response:
    """End the session server-side and clear the cookie (harmless when not signed in).

    A live session ends only with its CSRF token, so another site cannot sign a user out.
    """
    if cookie:
        web_session = await sessions.load_session(db, cookie, utcnow())
        if web_session is not None:
            if not sessions.check_csrf(web_session, token):
                raise HTTPException(status_code=403, detail=CSRF_REFUSED)
            await sessions.delete_session(db, cookie)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response

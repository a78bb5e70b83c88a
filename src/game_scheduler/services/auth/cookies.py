"""The session cookie (HttpOnly, SameSite=Lax, Secure over https), set by the API and dashboard."""

from __future__ import annotations

from starlette.responses import Response

from game_scheduler.config import get_settings
from game_scheduler.services.auth.sessions import SESSION_LIFETIME

COOKIE_NAME = "gs_session"


def set_session_cookie(response: Response, value: str) -> None:
    """Hand the browser its session id and nothing else."""
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().public_url.startswith("https://"),
    )


def clear_session_cookie(response: Response) -> None:
    """Make the browser forget its session id."""
    response.delete_cookie(
        COOKIE_NAME,
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().public_url.startswith("https://"),
    )

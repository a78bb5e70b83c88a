"""The session cookie (HttpOnly, SameSite=Lax, Secure over https), set by the API and dashboard."""

from __future__ import annotations

from starlette.responses import Response

from game_scheduler.config import get_settings
from game_scheduler.services.auth.sessions import SESSION_LIFETIME

COOKIE_NAME = "gs_session"
LOGIN_COOKIE = "gs_login"
LOGIN_COOKIE_LIFETIME = 600  # seconds, as long as a pending login's state lives


def _https() -> bool:
    return get_settings().public_url.startswith("https://")


def login_cookie_name() -> str:
    """Under https the ``__Host-`` prefix: only this exact origin can have set it."""
    return f"__Host-{LOGIN_COOKIE}" if _https() else LOGIN_COOKIE


def set_login_cookie(response: Response, state: str) -> None:
    """Bind a login in flight to the browser that started it (the callback must bring it)."""
    response.set_cookie(
        login_cookie_name(),
        state,
        max_age=LOGIN_COOKIE_LIFETIME,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_https(),
    )


def clear_login_cookie(response: Response) -> None:
    """The login finished (or failed): the binding is spent."""
    response.delete_cookie(
        login_cookie_name(), path="/", httponly=True, samesite="lax", secure=_https()
    )


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

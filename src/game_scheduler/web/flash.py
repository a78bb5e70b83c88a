"""One-shot messages shown on the page a form redirects to (POST-redirect-GET)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from game_scheduler.config import get_settings

COOKIE = "gs_flash"
Kind = Literal["success", "error"]


@dataclass(frozen=True)
class Flash:
    """A message and whether it reports a success or a failure."""

    kind: Kind
    text: str


def _signature(payload: str) -> str:
    key = hashlib.sha256(b"flash:" + get_settings().secret_key.get_secret_value().encode())
    return hmac.new(key.digest(), payload.encode(), hashlib.sha256).hexdigest()[:32]


def _secure() -> bool:
    return get_settings().public_url.startswith("https://")


def redirect(url: str, kind: Kind | None = None, text: str = "") -> RedirectResponse:
    """A 303 to ``url``, carrying a message for the next page when ``kind`` is given."""
    response = RedirectResponse(url, status_code=303)
    if kind is not None:
        raw = json.dumps([kind, text[:500]])
        payload = base64.urlsafe_b64encode(raw.encode()).decode("ascii")
        response.set_cookie(
            COOKIE,
            f"{payload}.{_signature(payload)}",
            max_age=60,
            path="/",
            httponly=True,
            samesite="lax",
            secure=_secure(),
        )
    return response


def read_flash(request: Request) -> Flash | None:
    """The message left by the previous response, if it is one we signed."""
    value = request.cookies.get(COOKIE, "")
    payload, _, signature = value.partition(".")
    if not payload or not hmac.compare_digest(signature, _signature(payload)):
        return None
    try:
        kind, text = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return None
    return Flash("error" if kind == "error" else "success", str(text))


def forget_flash(request: Request, response: Response) -> None:
    """Clear the message once shown, so a reload does not show it again."""
    if COOKIE in request.cookies:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=_secure())

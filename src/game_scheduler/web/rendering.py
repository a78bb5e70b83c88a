"""Pages from Jinja2 templates, with the layout's shared context and safe response headers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from game_scheduler.domain.waitlist import waitlist_position
from game_scheduler.services.auth.principal import Principal
from game_scheduler.web.flash import forget_flash, read_flash

ConsoleMessage = Mapping[str, Any]
ConsoleFeed = Callable[[], Sequence[ConsoleMessage]]

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class DashboardConfig:
    """What this process offers: the console bot's log, the demo sign-in."""

    console_messages: ConsoleFeed | None = None
    demo_login: bool = False


def dashboard_config(request: Request) -> DashboardConfig:
    """The configuration ``install_dashboard`` left on the app."""
    config = getattr(request.app.state, "dashboard", None)
    return config if isinstance(config, DashboardConfig) else DashboardConfig()


def utc_iso(value: datetime) -> str:
    """A machine-readable UTC time for ``<time datetime>``, which the browser localises."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_text(value: datetime, seconds: bool = False) -> str:
    """The time as shown before (or without) JavaScript."""
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return value.astimezone(UTC).strftime(f"%a %d %b %Y, {clock} UTC")


def offsets_text(offsets: Sequence[int] | None) -> str:
    """Reminder offsets as a person reads them."""
    if not offsets:
        return "no reminders"
    return ", ".join(duration_text(m) for m in offsets) + " before"


def duration_text(minutes: int) -> str:
    """90 → "1 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{rest} min"] if rest or not hours else [])
    return " ".join(parts)


def standing_text(rank: int | None, max_players: int, answer: str | None = None) -> str:
    """Where the viewer stands in a game, from their answer and 0-based rank among the going."""
    if answer == "maybe":
        return "You answered maybe (no seat held)"
    if answer == "declined":
        return "You answered that you can't make it"
    if rank is None:
        return ""
    place = waitlist_position(rank, max_players)
    return f"You are number {place} on the waitlist" if place else "You have a seat"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("game_scheduler.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        utc_iso=utc_iso,
        utc_text=utc_text,
        offsets=offsets_text,
        duration=duration_text,
        standing=standing_text,
    )
    return env


ENV = _environment()


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    viewer: Principal | None = None,
    status: int = 200,
) -> HTMLResponse:
    """A whole page; the layout gets the viewer, their CSRF token and any flash message."""
    config = dashboard_config(request)
    page = {
        "path": request.url.path,
        "viewer": viewer,
        "csrf_token": viewer.web_session.csrf_token if viewer else "",
        "flash": read_flash(request),
        "console_enabled": config.console_messages is not None,
        **(context or {}),
    }
    response = HTMLResponse(ENV.get_template(template).render(page), status, headers=HEADERS)
    forget_flash(request, response)
    return response

"""The FastAPI application: routes, error mapping, and the event publisher's lifetime."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol, runtime_checkable

from fastapi import FastAPI

from game_scheduler.api.body_limit import BodySizeLimit
from game_scheduler.api.errors import install_error_handlers
from game_scheduler.api.headers import SecurityHeaders
from game_scheduler.api.logs import redact_access_log
from game_scheduler.api.metrics import install_metrics
from game_scheduler.api.routes import (
    auth,
    calendar,
    games,
    guilds,
    health,
    history,
    me,
    reminders,
    series,
    signups,
    templates,
)
from game_scheduler.config import get_settings
from game_scheduler.database import dispose_engines
from game_scheduler.messaging import outbox
from game_scheduler.messaging.outbox import AsyncEventPublisher
from game_scheduler.messaging.publish_queue import PublishQueue

log = logging.getLogger(__name__)


@runtime_checkable
class ConnectingPublisher(Protocol):
    """A publisher that holds a broker connection for the app's lifetime."""

    async def connect(self) -> None: ...

    async def close(self) -> None: ...


def _lifespan(
    publisher: AsyncEventPublisher | None, after_response: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        queue: PublishQueue | None = None
        if publisher is not None:
            if isinstance(publisher, ConnectingPublisher):
                try:
                    await publisher.connect()
                except Exception:
                    log.warning("broker unreachable; the outbox relay will publish events")
            if after_response:
                queue = PublishQueue(publisher)
                queue.start()
            outbox.set_async_publisher(queue or publisher)
        try:
            yield
        finally:
            if publisher is not None:
                outbox.set_async_publisher(None)
                if queue is not None:
                    await queue.close()
                if isinstance(publisher, ConnectingPublisher):
                    await publisher.close()
            await dispose_engines()

    return lifespan


def _require_schemes_together(app: FastAPI) -> None:
    """FastAPI lists each security dependency as an alternative; a write needs all of them."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for item in schema["paths"].values():
            for operation in item.values():
                needs = operation.get("security", [])
                if len(needs) > 1:
                    operation["security"] = [{name: [] for need in needs for name in need}]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(
    *, event_publisher: AsyncEventPublisher | None = None, publish_after_response: bool = True
) -> FastAPI:
    """Build the app; committed events go to ``event_publisher`` (without one, the relay's).

    ``publish_after_response``: a write answers once committed and its events go out in
    batches meanwhile (``PublishQueue``); otherwise it answers once they are published.

    /docs and /redoc load scripts from a CDN, so they are served only with API_DOCS=1.
    """
    settings = get_settings()
    app = FastAPI(
        title="Game Scheduler",
        version="1",
        description="Schedule Discord game sessions: signups, waitlist, reminders, calendars.",
        lifespan=_lifespan(event_publisher, publish_after_response),
        docs_url="/docs" if settings.api_docs else None,
        redoc_url="/redoc" if settings.api_docs else None,
    )
    app.add_middleware(SecurityHeaders, https=settings.public_url.startswith("https://"))
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    install_error_handlers(app)
    _require_schemes_together(app)
    redact_access_log()
    install_metrics(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(me.router)
    app.include_router(reminders.router)
    app.include_router(guilds.router)
    # Before the games router, so /games/{id}.ics is not read as /games/{id}.
    app.include_router(calendar.router)
    app.include_router(games.router)
    app.include_router(signups.router)
    app.include_router(templates.router)
    app.include_router(history.router)
    app.include_router(series.router)
    return app

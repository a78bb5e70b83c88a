"""``/metrics`` on the api, and a latency histogram per route template (never the raw path)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from game_scheduler.monitoring.collectors import scrape_collectors
from game_scheduler.monitoring.heartbeat import start_heartbeat, stop_heartbeat
from game_scheduler.observability import metrics

UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The matched route's path (``/api/v1/games/{game_id}``), or ``unmatched`` (404s)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class RequestMetrics:
    """Pure ASGI middleware: streaming responses and the dashboard pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            metrics.http_request_seconds.labels(
                scope["method"], route_template(scope), str(status)
            ).observe(time.perf_counter() - started)


def beat_while_serving(app: FastAPI, kind: str = "api") -> None:
    """Record a heartbeat row for as long as the app's lifespan runs (one per worker process)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(scope_app: Any) -> AsyncIterator[Any]:
        start_heartbeat(kind)
        try:
            async with inner(scope_app) as state:
                yield state
        finally:
            stop_heartbeat(kind)

    app.router.lifespan_context = lifespan


def install_metrics(app: FastAPI) -> None:
    """Add the middleware and ``GET /metrics`` (Prometheus text format, not in the OpenAPI)."""
    app.add_middleware(RequestMetrics)

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics() -> Response:
        """A plain ``def``: the database and broker gauges read synchronously, in a thread."""
        return Response(metrics.render(scrape_collectors()), media_type=metrics.CONTENT_TYPE)

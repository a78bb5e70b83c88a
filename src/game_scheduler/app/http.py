"""The HTTP process: the JSON API and the dashboard in one app; ``game-scheduler api`` runs it."""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

from game_scheduler.api.app import create_app
from game_scheduler.api.metrics import beat_while_serving
from game_scheduler.config import get_settings
from game_scheduler.messaging.outbox import AsyncEventPublisher
from game_scheduler.observability.logs import configure_logging
from game_scheduler.observability.multiprocess import ensure_multiprocess_dir
from game_scheduler.web.app import ConsoleFeed, install_dashboard


def create_http_app(
    *,
    event_publisher: AsyncEventPublisher | None = None,
    publish_after_response: bool = True,
    console_messages: ConsoleFeed | None = None,
    demo_login: bool = False,
) -> FastAPI:
    """The API app with the dashboard's pages and static files added."""
    app = create_app(event_publisher=event_publisher, publish_after_response=publish_after_response)
    install_dashboard(app, console_messages=console_messages, demo_login=demo_login)
    return app


def production_app() -> FastAPI:
    """The app each uvicorn worker builds: with the RabbitMQ publisher, connected at startup."""
    from game_scheduler.messaging.publisher import AsyncPublisher

    configure_logging(get_settings())  # a uvicorn worker process starts here, not in the CLI
    app = create_http_app(event_publisher=AsyncPublisher())
    beat_while_serving(app)
    return app


def build_parser(command: str) -> argparse.ArgumentParser:
    """Arguments of ``game-scheduler api``."""
    parser = argparse.ArgumentParser(
        prog=f"game-scheduler {command}", description="Serve the HTTP API and dashboard (uvicorn)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes (default 1; sessions are shared)"
    )
    return parser


def main(command: str, argv: list[str]) -> int:
    """Run the server until interrupted."""
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.workers > 1:
        ensure_multiprocess_dir("api")  # each spawned worker's metrics, served by any of them
    uvicorn.run(
        "game_scheduler.app.http:production_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level="info",
        log_config=None,  # uvicorn's loggers go to the root: LOG_FORMAT and redaction apply
    )
    return 0

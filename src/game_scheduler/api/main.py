"""``game-scheduler api``: serve the app with uvicorn, publishing events to RabbitMQ."""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

from game_scheduler.api.app import create_app


def production_app() -> FastAPI:
    """The app each uvicorn worker builds: with the RabbitMQ publisher, connected at startup."""
    from game_scheduler.messaging.publisher import AsyncPublisher

    return create_app(event_publisher=AsyncPublisher())


def build_parser(command: str) -> argparse.ArgumentParser:
    """Arguments of ``game-scheduler api``."""
    parser = argparse.ArgumentParser(
        prog=f"game-scheduler {command}", description="Serve the HTTP API (uvicorn)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes (default 1; sessions are shared)"
    )
    return parser


def main(command: str, argv: list[str]) -> int:
    """Run the server until interrupted."""
    args = build_parser(command).parse_args(argv)
    if args.workers < 1:
        build_parser(command).error("--workers must be at least 1")
    uvicorn.run(
        "game_scheduler.api.main:production_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level="info",
    )
    return 0

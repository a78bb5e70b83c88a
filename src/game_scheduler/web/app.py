"""Add the dashboard's pages and static files to the HTTP app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from game_scheduler.web.rendering import ConsoleFeed, ConsoleMessage, DashboardConfig
from game_scheduler.web.routes import (
    account,
    game_edit,
    games,
    history,
    offers,
    reminders,
    roster,
    series,
    servers,
    settings,
    signin,
    templates,
    time_zone,
)

__all__ = ["ConsoleFeed", "ConsoleMessage", "install_dashboard"]


def install_dashboard(
    app: FastAPI, *, console_messages: ConsoleFeed | None = None, demo_login: bool = False
) -> None:
    """Serve the dashboard from ``app``; ``demo_login`` offers the demo sign-in without Discord."""
    app.state.dashboard = DashboardConfig(console_messages, demo_login)
    pages = (signin, servers, games, game_edit, series, settings, account, time_zone, history)
    for module in (*pages, templates, offers, roster, reminders):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(packages=[("game_scheduler.web", "static")]), name="static")

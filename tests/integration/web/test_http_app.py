"""The composed HTTP process: API and dashboard side by side, and the ``api`` command."""

from typing import Any

import pytest

from game_scheduler import cli
from game_scheduler.app import http


async def test_one_app_serves_the_api_and_the_dashboard(anonymous, pg_db_url):
    api = await anonymous.get("/api/v1/me")
    assert api.status_code == 401
    assert api.json() == {"detail": "sign in with Discord first"}
    page = await anonymous.get("/signin")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    css = await anonymous.get("/static/style.css")
    assert css.status_code == 200
    assert ":focus-visible" in css.text
    assert (await anonymous.get("/static/app.js")).status_code == 200


async def test_the_api_schema_leaves_the_dashboard_out(anonymous):
    paths = (await anonymous.get("/openapi.json")).json()["paths"]
    assert "/api/v1/games" in paths
    assert not [p for p in paths if not p.startswith(("/api/", "/auth/", "/calendar/", "/health"))]


def test_the_api_command_serves_the_composed_app(monkeypatch: pytest.MonkeyPatch):
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(http.uvicorn, "run", lambda target, **kw: calls.append({"t": target, **kw}))
    assert cli.COMMANDS["api"][0] == "game_scheduler.app.http"
    assert cli.main(["api", "--host", "0.0.0.0", "--port", "9001", "--workers", "3"]) == 0
    [call] = calls
    assert call["t"] == "game_scheduler.app.http:production_app"
    assert (call["factory"], call["host"], call["port"], call["workers"]) == (
        True,
        "0.0.0.0",
        9001,
        3,
    )
    with pytest.raises(SystemExit):
        cli.main(["api", "--workers", "0"])

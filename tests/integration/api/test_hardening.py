"""Issue 12 items 7 and 8 in process: body limit, headers, docs, bad text and dates."""

from __future__ import annotations

import json

import pytest

from game_scheduler.api.app import create_app
from tests.support.api import client_for, open_session
from tests.support.factories import CHANNEL_ID, create_game, member, player_id, seed_channel

FIVE_MB = 5 * 1024 * 1024


async def test_a_declared_5_mb_body_is_refused_with_413(client):
    response = await client.post(
        "/api/v1/games", content=b"x" * FIVE_MB, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


async def test_a_streamed_body_is_stopped_at_the_limit(client):
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(80):
            sent += 64 * 1024
            yield b"x" * (64 * 1024)

    response = await client.post(
        "/api/v1/games", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "content-length" not in response.request.headers


async def test_a_body_under_the_limit_still_works(app, db_url):
    await seed_channel()
    admin = member(player_id(), manage=True)
    async with client_for(app, await open_session(admin)) as c:
        body = {"channel_id": str(CHANNEL_ID), "title": "t", "scheduled_at": "2099-01-01T10:00:00Z"}
        body["description"] = "d" * 3000
        response = await c.post("/api/v1/games", json=body)
    assert response.status_code in (201, 422)  # 422: two years ahead at most; never 413


async def test_api_responses_carry_security_headers(client):
    me = await client.get("/api/v1/me")
    assert me.status_code == 401
    assert me.headers["X-Content-Type-Options"] == "nosniff"
    assert me.headers["Referrer-Policy"] == "no-referrer"
    assert me.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in me.headers
    health = await client.get("/health")
    assert health.headers["X-Content-Type-Options"] == "nosniff"


async def test_hsts_under_https(configure):
    configure(public_url="https://games.example")
    async with client_for(create_app()) as c:
        response = await c.get("/api/v1/me")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_docs_are_off_unless_asked_for(client, configure):
    assert (await client.get("/docs")).status_code == 404
    assert (await client.get("/redoc")).status_code == 404
    assert (await client.get("/openapi.json")).status_code == 200
    configure(api_docs="1")
    async with client_for(create_app()) as c:
        assert (await c.get("/docs")).status_code == 200


C = CHANNEL_ID
BAD_BODIES = [
    f'{{"channel_id": "{C}", "title": "a\\ud800b", "scheduled_at": "2099-01-01T10:00Z"}}',
    '{"channel_id": "\\udfff", "title": "t", "scheduled_at": "2027-01-01T10:00Z"}',
    f'{{"channel_id": "{C}", "title": 5, "x\\ud800": "\\ud800"}}',
    f'{{"channel_id": "{C}", "title": "t", "scheduled_at": "0001-01-01T00:00:00+01:00"}}',
    f'{{"channel_id": "{C}", "title": "t", "scheduled_at": "9999-12-31T23:59:59-01:00"}}',
]


@pytest.mark.parametrize("body", BAD_BODIES)
async def test_lone_surrogates_and_extreme_dates_are_422(app, db_url, body):
    await seed_channel()
    admin = member(player_id(), manage=True)
    async with client_for(app, await open_session(admin)) as c:
        response = await c.post(
            "/api/v1/games", content=body.encode(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.text
        json.loads(response.text)
        game = await create_game(admin)
        patched = await c.patch(
            f"/api/v1/games/{game.id}",
            content=b'{"location": "x\\ud800", "description": "\\udc00"}',
            headers={"Content-Type": "application/json"},
        )
        assert patched.status_code == 422, patched.text
        listed = await c.get("/api/v1/games", params={"from": "0001-01-01T00:00:00+01:00"})
        assert listed.status_code in (200, 422)

"""Cookie-authenticated writes need the session's X-CSRF-Token header; reads do not."""

import re

import pytest
from sqlalchemy import func, select

from game_scheduler.database import get_db_session
from game_scheduler.models import Game, OutboxEvent, Participant
from tests.support.api import CSRF_HEADER, client_for, open_session
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)

UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture
async def game(pg_db_url) -> Game:
    await seed_channel()
    return await create_game(member(HOST_ID), title="Catan night")


async def _unchanged(game_id: int) -> tuple[str, int, int]:
    """The game's title, its signups and the events written so far."""
    async with get_db_session() as db:
        title = await db.scalar(select(Game.title).where(Game.id == game_id))
        players = await db.scalar(
            select(func.count()).select_from(Participant).where(Participant.game_id == game_id)
        )
        events = await db.scalar(select(func.count()).select_from(OutboxEvent))
    assert title is not None
    return title, players or 0, events or 0


async def test_me_hands_each_session_its_own_token(app, game):
    me = member(player_id())
    first, second = await open_session(me), await open_session(me)
    async with client_for(app, first) as a, client_for(app, second) as b:
        first_token = (await a.get("/api/v1/me")).json()["csrf_token"]
        second_token = (await b.get("/api/v1/me")).json()["csrf_token"]
    assert first_token == first.csrf_token
    assert second_token == second.csrf_token
    assert first_token != second_token


async def test_a_write_without_the_header_is_refused_and_changes_nothing(app, game):
    host = await open_session(member(HOST_ID))
    player = await open_session(member(player_id()))
    before = await _unchanged(game.id)
    async with client_for(app, host) as h, client_for(app, player) as p:
        del h.headers[CSRF_HEADER]
        del p.headers[CSRF_HEADER]
        joined = await p.post(f"/api/v1/games/{game.id}/join")
        edited = await h.patch(f"/api/v1/games/{game.id}", json={"title": "Forged"})
        cancelled = await h.post(f"/api/v1/games/{game.id}/cancel")
        read = await p.get(f"/api/v1/games/{game.id}")

    for refused in (joined, edited, cancelled):
        assert refused.status_code == 403
        assert "X-CSRF-Token" in refused.json()["detail"]
        assert "nothing changed" in refused.json()["detail"]
    assert read.status_code == 200
    assert await _unchanged(game.id) == before


async def test_a_wrong_token_is_refused(app, game):
    player = await open_session(member(player_id()))
    before = await _unchanged(game.id)
    async with client_for(app, player) as client:
        for wrong in ("", "x", player.csrf_token[:-1], player.csrf_token + "x"):
            client.headers[CSRF_HEADER] = wrong
            response = await client.post(f"/api/v1/games/{game.id}/join")
            assert response.status_code == 403, wrong
    assert await _unchanged(game.id) == before


async def test_another_sessions_token_is_refused(app, game):
    me = member(player_id())
    mine, my_other_tab = await open_session(me), await open_session(me)
    someone_else = await open_session(member(player_id()))
    before = await _unchanged(game.id)
    async with client_for(app, mine) as client:
        for borrowed in (my_other_tab.csrf_token, someone_else.csrf_token):
            client.headers[CSRF_HEADER] = borrowed
            assert (await client.post(f"/api/v1/games/{game.id}/join")).status_code == 403
    assert await _unchanged(game.id) == before


async def test_the_sessions_token_lets_the_write_through(app, game):
    player = await open_session(member(player_id()))
    async with client_for(app, player) as client:
        token = (await client.get("/api/v1/me")).json()["csrf_token"]
        client.headers[CSRF_HEADER] = token
        joined = await client.post(f"/api/v1/games/{game.id}/join")
    assert joined.status_code == 200
    assert joined.json()["confirmed"] is True
    assert (await _unchanged(game.id))[1] == 1


async def test_signing_in_comes_before_the_token(app, game):
    async with client_for(app) as anonymous:
        response = await anonymous.post(f"/api/v1/games/{game.id}/join")
    assert response.status_code == 401


def _concrete(path: str, game_id: int) -> str:
    ids = {"game_id": game_id, "guild_id": GUILD_ID, "channel_id": CHANNEL_ID}
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), HOST_ID)), path)


async def test_every_api_write_requires_and_documents_the_token(app, game):
    schema = app.openapi()
    assert schema["components"]["securitySchemes"]["CsrfToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
        "description": schema["components"]["securitySchemes"]["CsrfToken"]["description"],
    }
    writes = [
        (method, path, operation)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
        if method in UNSAFE
    ]
    assert len(writes) >= 10
    assert schema["paths"]["/api/v1/games"]["get"]["security"] == [{"APIKeyCookie": []}]
    admin = await open_session(member(player_id(), manage=True))
    before = await _unchanged(game.id)
    async with client_for(app, admin) as client:
        del client.headers[CSRF_HEADER]
        for method, path, operation in writes:
            assert operation["security"] == [{"APIKeyCookie": [], "CsrfToken": []}], path
            assert "403" in operation["responses"], path
            url = _concrete(path, game.id)
            response = await client.request(method.upper(), url, json={})
            assert response.status_code == 403, (method, url, response.text)
    assert await _unchanged(game.id) == before

"""The demo sign-in of the all-in-one mode: offered only with demo_login and no Discord set up."""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from game_scheduler.app.http import create_http_app
from game_scheduler.database import get_db_session
from game_scheduler.models import Channel, Guild, WebSession, utcnow
from game_scheduler.services.auth.cookies import COOKIE_NAME
from game_scheduler.services.auth.demo import (
    DEMO_CHANNEL_ID,
    DEMO_GUILD_ID,
    DEMO_USER_ID,
)
from tests.support.web import all_games, csrf_for

BASE = "http://testserver"


def _client(demo_login: bool) -> httpx.AsyncClient:
    app = create_http_app(demo_login=demo_login)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


async def _sessions() -> list[WebSession]:
    async with get_db_session() as db:
        return list((await db.execute(select(WebSession))).scalars())


@pytest.fixture
def no_discord(configure):
    # Discord unreachable: a demo session must never need it.
    configure(discord_client_id="", discord_api_base="http://127.0.0.1:9/api/v10")


async def test_demo_user_signs_in_and_manages_the_demo_server(db_url, no_discord):
    async with _client(demo_login=True) as client:
        page = await client.get("/signin")
        assert "Sign in as demo user" in page.text
        response = await client.post("/signin/demo", headers={"Origin": BASE})
        assert response.status_code == 303
        assert response.headers["location"] == f"/servers/{DEMO_GUILD_ID}"
        assert COOKIE_NAME in client.cookies
        [stored] = await _sessions()
        assert stored.discord_cache["demo"] is True
        async with get_db_session() as db:
            await db.execute(
                update(WebSession).values(discord_cached_at=utcnow() - timedelta(days=1))
            )
            await db.commit()
            guild = (await db.execute(select(Guild))).scalar_one()
            channel = (await db.execute(select(Channel))).scalar_one()
        assert (guild.discord_id, channel.discord_id) == (DEMO_GUILD_ID, DEMO_CHANNEL_ID)

        server = await client.get(response.headers["location"])
        assert server.status_code == 200
        assert "Demo Server" in server.text
        assert f'href="/servers/{DEMO_GUILD_ID}/settings"' in server.text
        start = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        created = await client.post(
            f"/servers/{DEMO_GUILD_ID}/games",
            data={
                "csrf_token": await csrf_for(client),
                "channel_discord_id": str(DEMO_CHANNEL_ID),
                "title": "Demo night",
                "scheduled_at": start,
                "tz_offset": "0",
            },
        )
        assert created.status_code == 303, created.text
        me = await client.get("/api/v1/me")
        assert me.json()["id"] == str(DEMO_USER_ID)
    [game] = await all_games()
    assert game.title == "Demo night"


async def test_signing_in_twice_reuses_the_demo_server(db_url, no_discord):
    async with _client(demo_login=True) as first, _client(demo_login=True) as second:
        assert (await first.post("/signin/demo")).status_code == 303
        assert (await second.post("/signin/demo")).status_code == 303
    assert len(await _sessions()) == 2
    async with get_db_session() as db:
        assert len((await db.execute(select(Guild))).scalars().all()) == 1


async def test_refused_when_discord_login_is_configured(db_url, configure):
    configure(discord_client_id="real-app")
    async with _client(demo_login=True) as client:
        page = await client.get("/signin")
        assert "demo" not in page.text.lower()
        assert "Sign in with Discord" in page.text
        assert (await client.post("/signin/demo")).status_code == 404
    assert await _sessions() == []


async def test_refused_unless_the_process_asks_for_it(db_url, no_discord):
    async with _client(demo_login=False) as client:
        page = await client.get("/signin")
        assert "demo" not in page.text.lower()
        assert (await client.post("/signin/demo")).status_code == 404
    assert await _sessions() == []


async def test_refused_from_another_site(db_url, no_discord):
    async with _client(demo_login=True) as client:
        response = await client.post("/signin/demo", headers={"Origin": "http://evil.example"})
        assert response.status_code == 403
    assert await _sessions() == []


async def test_demo_session_ends_once_discord_is_set_up(db_url, configure, no_discord):
    async with _client(demo_login=True) as client:
        await client.post("/signin/demo")
        configure(discord_client_id="real-app")
        response = await client.get("/servers")
        assert response.status_code == 303
        assert response.headers["location"] == "/signin"
        assert COOKIE_NAME not in client.cookies
        api = await client.get("/api/v1/me")
        assert api.status_code == 401
    assert await _sessions() == []

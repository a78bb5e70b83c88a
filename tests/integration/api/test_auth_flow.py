"""Sign in with Discord end to end against the fake: state, PKCE, cookie, session, logout."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select, update

from game_scheduler.database import get_db_session
from game_scheduler.models import OAuthState, WebSession, utcnow
from game_scheduler.services.auth import sessions, tokens
from game_scheduler.services.auth.cookies import COOKIE_NAME
from tests.support.api import client_for, consent, sign_in
from tests.support.factories import CHANNEL_ID, GUILD_ID, seed_channel

USER_ID = 600_000_000_000_000_001
OTHER_GUILD = 900_000_000_000_000_999


@pytest.fixture
async def member(db_url, fake_discord):
    """A Discord user in the bot's server (role 55) and in a server the bot is not in."""
    await seed_channel()
    fake_discord.add_user(USER_ID, "alice")
    fake_discord.join(USER_ID, GUILD_ID, "Test Server", roles=[55])
    fake_discord.join(USER_ID, OTHER_GUILD, "Elsewhere", owner=True)
    return fake_discord


async def _sessions() -> list[WebSession]:
    async with get_db_session() as db:
        return list((await db.execute(select(WebSession))).scalars())


async def test_login_redirects_to_discord_with_state_and_pkce(client, member):
    response = await client.get("/auth/login", params={"next": "/api/v1/me"})
    assert response.status_code == 307
    target = urlsplit(response.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == member.authorize_url
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["client_id"] == "fake-client-id"
    assert query["redirect_uri"] == "http://testserver/auth/callback"
    assert query["scope"] == "identify guilds guilds.members.read"
    assert query["code_challenge_method"] == "S256"
    async with get_db_session() as db:
        stored = (await db.execute(select(OAuthState))).scalar_one()
    assert stored.state == query["state"]
    assert tokens.pkce_challenge(stored.code_verifier) == query["code_challenge"]
    assert stored.next_url == "/api/v1/me"


async def test_full_flow_login_api_call_logout(client, member):
    callback = await sign_in(client, member, USER_ID, next_url="/api/v1/me")
    assert callback.status_code == 303
    assert callback.headers["location"] == "/api/v1/me"
    cookie_header = callback.headers["set-cookie"]
    assert cookie_header.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie_header
    assert "SameSite=lax" in cookie_header
    assert "Secure" not in cookie_header

    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    body = me.json()
    assert body["id"] == str(USER_ID)
    assert body["username"] == "alice"
    assert body["guilds"] == [{"id": str(GUILD_ID), "name": "Test Server", "can_configure": False}]
    assert body["calendar_feed_url"].startswith("http://testserver/calendar/")
    games = await client.get("/api/v1/games", params={"channel_id": str(CHANNEL_ID)})
    assert games.status_code == 200

    cookie = client.cookies[COOKIE_NAME]
    [stored] = await _sessions()
    assert stored.id == tokens.session_key(cookie) != cookie
    plaintext = sessions.access_token(stored)
    assert plaintext in member.access_tokens
    assert plaintext not in stored.access_token_enc
    assert plaintext not in cookie_header
    assert plaintext not in me.text
    assert stored.discord_cache["guilds"][0]["roles"] == ["55"]

    by_header = {"Cookie": f"{COOKIE_NAME}={cookie}"}
    assert (await client.get("/api/v1/me", headers=by_header)).status_code == 200
    logout = await client.post("/auth/logout")
    assert logout.status_code == 204
    assert await _sessions() == []
    assert "Max-Age=0" in logout.headers["set-cookie"]
    replayed = await client.get("/api/v1/me", headers=by_header)
    assert replayed.status_code == 401


async def test_replayed_state_is_refused(client, member):
    start = await client.get("/auth/login")
    callback = await consent(start.headers["location"], USER_ID)
    assert (await client.get(callback)).status_code == 303
    client.cookies.clear()
    replay = await client.get(callback)
    assert replay.status_code == 400
    assert "already used" in replay.json()["detail"]
    assert len(await _sessions()) == 1


async def test_wrong_or_missing_state_is_refused(client, member):
    start = await client.get("/auth/login")
    callback = await consent(start.headers["location"], USER_ID)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    forged = await client.get("/auth/callback", params={"code": code, "state": "forged"})
    assert forged.status_code == 400
    missing = await client.get("/auth/callback", params={"code": code})
    assert missing.status_code == 400
    assert await _sessions() == []
    assert "set-cookie" not in forged.headers


async def test_expired_state_is_refused(client, member):
    start = await client.get("/auth/login")
    callback = await consent(start.headers["location"], USER_ID)
    async with get_db_session() as db:
        await db.execute(update(OAuthState).values(created_at=utcnow() - timedelta(minutes=11)))
        await db.commit()
    assert (await client.get(callback)).status_code == 400
    assert await _sessions() == []


async def test_denied_consent_and_a_refused_code(client, member):
    start = await client.get("/auth/login")
    denied = await consent(start.headers["location"], USER_ID, deny=True)
    assert (await client.get(denied)).status_code == 400
    start = await client.get("/auth/login")
    callback = await consent(start.headers["location"], USER_ID)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    bad_code = await client.get("/auth/callback", params={"code": "not-issued", "state": state})
    assert bad_code.status_code == 400
    assert "did not accept" in bad_code.json()["detail"]
    assert await _sessions() == []


async def test_next_cannot_leave_the_site(client, member):
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = await sign_in(client, member, USER_ID, next_url=evil)
        assert response.headers["location"] == "/"


async def test_cookie_is_secure_behind_https(app, member, configure):
    configure(public_url="https://testserver")
    transport = httpx.ASGITransport(app=app)
    # A Secure cookie only goes back over https: the login cookie too.
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        start = await client.get("/auth/login")
        assert start.headers["set-cookie"].startswith("__Host-gs_login=")
        assert "Secure" in start.headers["set-cookie"]
        response = await client.get(await consent(start.headers["location"], USER_ID))
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


async def test_callback_from_another_browser_is_refused_and_keeps_the_victims_session(
    client, app, member
):
    victim_id = 600_000_000_000_000_002
    member.add_user(victim_id, "victim")
    member.join(victim_id, GUILD_ID)
    assert (await sign_in(client, member, victim_id)).status_code == 303
    async with client_for(app) as attacker:
        start = await attacker.get("/auth/login")
        attackers_callback = await consent(start.headers["location"], USER_ID)
    swapped = await client.get(attackers_callback)
    assert swapped.status_code == 400
    assert "another browser" in swapped.json()["detail"]
    assert COOKIE_NAME not in swapped.headers.get("set-cookie", "")
    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["id"] == str(victim_id)


async def test_logout_needs_the_csrf_token(client, member):
    await sign_in(client, member, USER_ID)
    forged = await client.post("/auth/logout", headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    assert len(await _sessions()) == 1
    assert (await client.get("/api/v1/me")).status_code == 200


async def test_login_attempts_are_limited_per_address(client, member, configure):
    configure(login_attempts_per_minute="3")
    statuses = [(await client.get("/auth/login")).status_code for _ in range(4)]
    assert statuses == [307, 307, 307, 429]


async def test_login_without_client_id_is_503(client, pg_db_url, configure):
    configure(discord_client_id="")
    response = await client.get("/auth/login")
    assert response.status_code == 503
    assert "not configured" in response.json()["detail"]


async def test_unauthenticated_calls_are_401(client, pg_db_url):
    for path in ("/api/v1/me", "/api/v1/games", "/api/v1/guilds", "/api/v1/games/1"):
        response = await client.get(path)
        assert response.status_code == 401, path
    made_up = await client.get("/api/v1/me", headers={"Cookie": f"{COOKIE_NAME}=made-up"})
    assert made_up.status_code == 401

"""Memberships and roles come from Discord, cached for a minute, re-checked after."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from game_scheduler.database import get_db_session
from game_scheduler.models import WebSession, utcnow
from game_scheduler.services.auth import membership
from tests.support.api import sign_in
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    seed_channel,
)

USER_ID = 600_000_000_000_000_002
HOST_ROLE = 4242


@pytest.fixture
async def signed_in(pg_db_url, fake_discord, client):
    await seed_channel(host_role_ids=[HOST_ROLE])
    fake_discord.add_user(USER_ID, "bob")
    fake_discord.join(USER_ID, GUILD_ID, roles=[HOST_ROLE])
    assert (await sign_in(client, fake_discord, USER_ID)).status_code == 303
    return fake_discord


async def _age_cache(by: timedelta) -> None:
    async with get_db_session() as db:
        await db.execute(update(WebSession).values(discord_cached_at=utcnow() - by))
        await db.commit()


async def test_memberships_are_cached_for_a_minute(client, signed_in):
    calls = signed_in.calls.copy()
    for _ in range(3):
        assert (await client.get("/api/v1/guilds")).status_code == 200
    assert signed_in.calls == calls
    await _age_cache(timedelta(seconds=61))
    assert (await client.get("/api/v1/guilds")).status_code == 200
    assert signed_in.calls["guilds"] == calls["guilds"] + 1
    assert signed_in.calls["member"] == calls["member"] + 1


async def test_lost_role_and_left_server_are_seen_after_the_cache(client, signed_in):
    game = await create_game(member(HOST_ID, manage=True))
    starts = (utcnow() + timedelta(days=1)).isoformat()
    draft = {"channel_id": str(CHANNEL_ID), "title": "x", "scheduled_at": starts}
    assert (await client.post("/api/v1/games", json=draft)).status_code == 201
    signed_in.users[USER_ID].guilds[GUILD_ID].roles = []
    assert (await client.post("/api/v1/games", json=draft)).status_code == 201
    await _age_cache(timedelta(minutes=2))
    refused = await client.post("/api/v1/games", json=draft)
    assert refused.status_code == 403
    del signed_in.users[USER_ID].guilds[GUILD_ID]
    await _age_cache(timedelta(minutes=2))
    assert (await client.get(f"/api/v1/games/{game.id}")).status_code == 404
    assert (await client.get("/api/v1/guilds")).json() == []


async def test_revoked_token_ends_the_session(client, signed_in):
    signed_in.revoke(USER_ID)
    await _age_cache(timedelta(minutes=2))
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert "sign in again" in response.json()["detail"]
    async with get_db_session() as db:
        assert (await db.execute(select(WebSession))).first() is None


async def test_expiring_token_is_refreshed(client, signed_in):
    async with get_db_session() as db:
        await db.execute(update(WebSession).values(token_expires_at=utcnow()))
        await db.commit()
    await _age_cache(timedelta(minutes=2))
    before = signed_in.calls["token"]
    assert (await client.get("/api/v1/me")).status_code == 200
    assert signed_in.calls["token"] == before + 1
    async with get_db_session() as db:
        stored = (await db.execute(select(WebSession))).scalar_one()
    assert stored.token_expires_at > utcnow() + timedelta(days=1)


async def test_discord_outage_uses_a_recent_cache_then_gives_503(client, signed_in):
    signed_in.failing = True
    await _age_cache(timedelta(minutes=5))
    assert (await client.get("/api/v1/guilds")).status_code == 200
    await _age_cache(timedelta(minutes=20))
    response = await client.get("/api/v1/guilds")
    assert response.status_code == 503
    assert "Discord" in response.json()["detail"]


async def test_manage_server_comes_from_owner_or_permission_bits(client, pg_db_url, fake_discord):
    servers = {
        910_000_000_000_000_001: {"owner": True},
        910_000_000_000_000_002: {"permissions": 1 << 3},
        910_000_000_000_000_003: {"permissions": 1 << 5},
        910_000_000_000_000_004: {"permissions": (1 << 4) | (1 << 6)},
    }
    fake_discord.add_user(USER_ID, "bob")
    for n, (guild_id, standing) in enumerate(servers.items()):
        await seed_channel(guild_id, 910_000_000_000_000_100 + n)
        fake_discord.join(USER_ID, guild_id, f"S{n}", **standing)
    fake_discord.join(USER_ID, 920_000_000_000_000_000, "Bot not here", owner=True)
    assert (await sign_in(client, fake_discord, USER_ID)).status_code == 303
    listed = {g["id"]: g["can_configure"] for g in (await client.get("/api/v1/guilds")).json()}
    assert listed == {
        "910000000000000001": True,
        "910000000000000002": True,
        "910000000000000003": True,
        "910000000000000004": False,
    }


async def test_expired_session_is_401_and_purged_at_the_next_login(client, signed_in):
    async with get_db_session() as db:
        await db.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        await db.commit()
    assert (await client.get("/api/v1/me")).status_code == 401
    assert (await sign_in(client, signed_in, USER_ID)).status_code == 303
    async with get_db_session() as db:
        remaining = list((await db.execute(select(WebSession))).scalars())
    assert len(remaining) == 1
    assert remaining[0].expires_at > utcnow()


async def _expire_token() -> None:
    async with get_db_session() as db:
        await db.execute(update(WebSession).values(token_expires_at=utcnow()))
        await db.commit()


async def test_a_refresh_whose_follow_up_call_fails_is_kept(client, signed_in):
    await _expire_token()
    await _age_cache(timedelta(minutes=5))
    signed_in.failing = True
    assert (await client.get("/api/v1/guilds")).status_code == 200  # cache, token refreshed
    assert signed_in.calls["token"] >= 1
    signed_in.failing = False
    await _age_cache(timedelta(minutes=2))
    response = await client.get("/api/v1/me")
    assert response.status_code == 200
    async with get_db_session() as db:
        assert (await db.execute(select(WebSession))).scalar_one() is not None


async def test_two_refreshes_at_once_keep_the_user_signed_in(client, signed_in, monkeypatch):
    await _expire_token()
    await _age_cache(timedelta(minutes=2))
    both_expired = asyncio.Barrier(2)
    claim = membership._claim_refresh

    async def claim_together(*args):
        async with asyncio.timeout(30):
            await both_expired.wait()
        return await claim(*args)

    monkeypatch.setattr(membership, "_claim_refresh", claim_together)
    before = signed_in.calls["token"]
    first, second = await asyncio.gather(client.get("/api/v1/me"), client.get("/api/v1/me"))
    assert (first.status_code, second.status_code) == (200, 200)
    assert signed_in.calls["token"] == before + 1
    monkeypatch.setattr(membership, "_claim_refresh", claim)
    await _age_cache(timedelta(minutes=2))
    assert (await client.get("/api/v1/guilds")).status_code == 200


async def test_no_pooled_connection_waits_on_discord(client, signed_in, monkeypatch):
    from game_scheduler import database
    from game_scheduler.services.auth import discord_api

    held: list[int] = []

    def watched(call):
        async def wrapper(*args, **kwargs):
            held.append(database.get_async_engine().pool.checkedout())
            return await call(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(discord_api, "fetch_guilds", watched(discord_api.fetch_guilds))
    monkeypatch.setattr(discord_api, "fetch_member_roles", watched(discord_api.fetch_member_roles))
    await _age_cache(timedelta(minutes=2))
    assert (await client.get("/api/v1/guilds")).status_code == 200
    assert held == [0, 0]  # servers, then the one server's roles: no connection checked out

"""Issue 12 items 2 and 3, issue 10's signup throttle: what a host or a clicker cannot abuse."""

from __future__ import annotations

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope
from game_scheduler.models import OutboxEvent, User, utcnow
from game_scheduler.services import members
from tests.fakes.discord_oauth import BOT_TOKEN
from tests.support.api import client_for, open_session
from tests.support.factories import GUILD_ID, HOST_ID, create_game, member, player_id, seed_channel
from tests.support.members import seed_member


async def _events(event_type: str) -> list[dict]:
    async with get_db_session() as db:
        rows = await db.execute(
            select(OutboxEvent.payload).where(OutboxEvent.event_type == event_type)
        )
        return [Envelope.model_validate(p).data for p in rows.scalars()]


async def test_sixth_signup_change_in_a_minute_is_refused_and_changes_nothing(app, db_url):
    await seed_channel()
    game = await create_game(max_players=2)
    clicker = member(player_id())
    async with client_for(app, await open_session(clicker)) as c:
        for path in ("join", "leave", "join", "leave", "join"):
            assert (await c.post(f"/api/v1/games/{game.id}/{path}")).status_code == 200
        refused = await c.post(f"/api/v1/games/{game.id}/leave")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "try again in" in refused.json()["detail"]
        detail = (await c.get(f"/api/v1/games/{game.id}")).json()
    assert detail["my_standing"] == "confirmed"  # the refused leave changed nothing
    assert len(await _events("game.player_left")) == 2


async def test_throttle_is_per_user_and_game(app, db_url):
    await seed_channel()
    first, second = await create_game(), await create_game()
    clicker, other = member(player_id()), member(player_id())
    async with (
        client_for(app, await open_session(clicker)) as c,
        client_for(app, await open_session(other)) as o,
    ):
        for path in ("join", "leave", "join", "leave", "join"):
            await c.post(f"/api/v1/games/{first.id}/{path}")
        assert (await c.post(f"/api/v1/games/{first.id}/leave")).status_code == 429
        assert (await c.post(f"/api/v1/games/{second.id}/join")).status_code == 200
        assert (await o.post(f"/api/v1/games/{first.id}/join")).status_code == 200


def test_openapi_declares_429_with_retry_after(app):
    schema = app.openapi()
    throttled = schema["paths"]["/api/v1/games/{game_id}/join"]["post"]["responses"]["429"]
    assert "Retry-After" in throttled["headers"]
    assert "username" not in schema["components"]["schemas"]["PlayerAdd"]["properties"]


async def test_host_cannot_add_a_non_member(app, db_url, fake_discord, configure):
    configure(discord_token=BOT_TOKEN)
    await seed_channel()
    game = await create_game()
    inside, outside = player_id(), player_id()
    fake_discord.add_user(inside, "inside")
    fake_discord.join(inside, GUILD_ID)
    fake_discord.add_user(outside, "outside")
    await seed_member(inside)
    async with get_db_session() as db:  # seen leaving once; Discord says they are back
        user_id = (await db.execute(select(User.id).where(User.discord_id == inside))).scalar_one()
        await members.record_left(db, user_id, GUILD_ID, utcnow())
        await db.commit()
    async with client_for(app, await open_session(member(HOST_ID))) as host:
        refused = await host.post(
            f"/api/v1/games/{game.id}/players", json={"user_id": str(outside)}
        )
        stranger = await host.post(f"/api/v1/games/{game.id}/players", json={"user_id": "42"})
        added = await host.post(f"/api/v1/games/{game.id}/players", json={"user_id": str(inside)})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "user_id"]
    assert stranger.status_code == 422
    assert added.status_code == 201
    assert len(await _events("game.player_joined")) == 1


async def test_without_a_bot_token_only_known_members_can_be_added(app, db_url):
    await seed_channel()
    game = await create_game()
    known, unknown = player_id(), player_id()
    await seed_member(known)
    async with client_for(app, await open_session(member(HOST_ID))) as host:
        refused = await host.post(
            f"/api/v1/games/{game.id}/players", json={"user_id": str(unknown)}
        )
        added = await host.post(f"/api/v1/games/{game.id}/players", json={"user_id": str(known)})
    assert refused.status_code == 422
    assert added.status_code == 201


async def test_thirty_add_remove_cycles_send_no_removal_dm(app, db_url, configure):
    configure(signup_changes_per_minute="0")  # the grace alone must stop the DM loop
    await seed_channel()
    game = await create_game()
    victim = player_id()
    await seed_member(victim)
    async with client_for(app, await open_session(member(HOST_ID))) as host:
        for _ in range(30):
            added = await host.post(
                f"/api/v1/games/{game.id}/players", json={"user_id": str(victim)}
            )
            assert added.status_code == 201
            removed = await host.delete(f"/api/v1/games/{game.id}/players/{victim}")
            assert removed.status_code == 200
    removal_dms = [d for d in await _events("notification.send_dm") if d["kind"] == "removed"]
    assert removal_dms == []


async def test_add_remove_loop_is_also_throttled(app, db_url):
    await seed_channel()
    game = await create_game()
    victim = player_id()
    await seed_member(victim)
    statuses = []
    async with client_for(app, await open_session(member(HOST_ID))) as host:
        for _ in range(30):
            url = f"/api/v1/games/{game.id}/players"
            statuses.append((await host.post(url, json={"user_id": str(victim)})).status_code)
            statuses.append((await host.delete(f"{url}/{victim}")).status_code)
    assert statuses.count(429) > 0
    assert len(await _events("game.player_joined")) + len(await _events("game.player_left")) <= 5


async def test_a_host_cannot_rename_another_user(app, db_url):
    await seed_channel()
    game = await create_game()
    victim = member(player_id())
    await open_session(victim)  # a login stored their Discord name
    await seed_member(victim.discord_id)
    async with client_for(app, await open_session(member(HOST_ID))) as host:
        body = {"user_id": str(victim.discord_id), "username": "Evil Name"}
        renamed = await host.post(f"/api/v1/games/{game.id}/players", json=body)
        assert renamed.status_code == 422
        assert renamed.json()["detail"][0]["loc"] == ["body", "username"]
        added = await host.post(
            f"/api/v1/games/{game.id}/players", json={"user_id": str(victim.discord_id)}
        )
        assert added.status_code == 201
    async with get_db_session() as db:
        name = (
            await db.execute(select(User.username).where(User.discord_id == victim.discord_id))
        ).scalar_one()
    assert name == victim.username

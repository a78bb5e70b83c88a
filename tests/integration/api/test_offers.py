"""The API's additions for issue 16: seat settings on games, servers and channels (every bad
field named at once), and ``reconfirm: true`` on a reschedule."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import SeatOffer, utcnow
from game_scheduler.services import signups
from tests.support.api import client_for, open_session
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)


@pytest.fixture
async def host_client(app, pg_db_url):
    await seed_channel()
    async with client_for(app, await open_session(member(HOST_ID, manage=True))) as client:
        yield client


async def test_game_seat_settings_round_trip_and_bad_ones_are_all_named(host_client):
    start = (utcnow() + timedelta(days=1)).isoformat()
    body = {"channel_id": str(CHANNEL_ID), "title": "Catan", "scheduled_at": start}
    bad = await host_client.post(
        "/api/v1/games", json={**body, "seat_mode": "maybe", "offer_window_minutes": 0}
    )
    assert bad.status_code == 422
    fields = {tuple(e["loc"])[-1] for e in bad.json()["detail"]}
    assert {"seat_mode", "offer_window_minutes"} <= fields
    made = await host_client.post(
        "/api/v1/games", json={**body, "seat_mode": "offer", "offer_window_minutes": 15}
    )
    assert made.status_code == 201, made.text
    assert (made.json()["seat_mode"], made.json()["offer_window_minutes"]) == ("offer", 15)


async def test_server_and_channel_seat_settings(host_client):
    server = await host_client.patch(
        f"/api/v1/guilds/{GUILD_ID}/settings",
        json={"seat_mode": "offer", "reconfirm_frees_seat": True},
    )
    assert server.status_code == 200, server.text
    assert server.json()["settings"]["seat_mode"] == "offer"
    channel = await host_client.patch(
        f"/api/v1/guilds/{GUILD_ID}/channels/{CHANNEL_ID}/settings",
        json={"offer_window_minutes": 5},
    )
    assert channel.status_code == 200, channel.text
    assert channel.json()["offer_window_minutes"] == 5


async def test_reschedule_with_reconfirm_asks_the_confirmed_players(host_client):
    game = await create_game(member(HOST_ID), max_players=2)
    player = member(player_id())
    async with get_db_session() as session:
        await signups.join_game(session, player, game.id)
    new_start = (game.scheduled_at + timedelta(hours=2)).isoformat()
    moved = await host_client.patch(
        f"/api/v1/games/{game.id}", json={"scheduled_at": new_start, "reconfirm": True}
    )
    assert moved.status_code == 200, moved.text
    async with get_db_session() as session:
        offers = (await session.scalars(select(SeatOffer))).all()
    assert [(o.user_discord_id, o.kind) for o in offers] == [(player.discord_id, "reconfirm")]

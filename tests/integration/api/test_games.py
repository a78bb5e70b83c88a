"""Games over HTTP: create, read, list with filters and pagination, update, cancel, errors."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import OutboxEvent, Reminder, utcnow
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

OTHER_GUILD = 900_000_000_000_000_777
OTHER_CHANNEL = 900_000_000_000_000_778


@pytest.fixture
async def host_client(app, pg_db_url):
    await seed_channel()
    async with client_for(app, await open_session(member(HOST_ID))) as client:
        yield client


def _starts(hours: float = 24) -> str:
    return (utcnow() + timedelta(hours=hours)).isoformat()


async def _event_types() -> list[str]:
    async with get_db_session() as db:
        return list((await db.execute(select(OutboxEvent.event_type))).scalars())


async def test_create_then_read(host_client):
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    local = starts.astimezone(timezone(timedelta(hours=-5))).isoformat()
    created = await host_client.post(
        "/api/v1/games",
        json={
            "channel_id": str(CHANNEL_ID),
            "title": "  Gloomhaven ",
            "scheduled_at": local,
            "max_players": 4,
            "reminder_offsets": [30, 1440],
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["title"] == "Gloomhaven"
    assert datetime.fromisoformat(body["scheduled_at"]) == starts
    assert body["host"] == {"id": str(HOST_ID), "username": "user1"}
    assert body["guild_id"] == str(GUILD_ID)
    assert body["channel_id"] == str(CHANNEL_ID)
    assert body["effective_reminder_offsets"] == [1440, 30]
    assert body["confirmed"] == []
    assert body["waitlist"] == []
    assert body["can_manage"] is True
    assert body["status"] == "SCHEDULED"
    assert await _event_types() == ["game.created"]
    fetched = await host_client.get(f"/api/v1/games/{body['id']}")
    assert fetched.json() == body


async def test_validation_errors_name_the_field(host_client):
    base = {"channel_id": str(CHANNEL_ID), "title": "x", "scheduled_at": _starts()}
    cases = [
        ({"title": "   "}, "title", "empty"),
        ({"scheduled_at": _starts(-1)}, "scheduled_at", "future"),
        ({"scheduled_at": "2030-01-01T20:00:00"}, "scheduled_at", "timezone"),
        ({"title": "a\x00b"}, "title", "not allowed"),
        ({"max_players": 0}, "max_players", "greater than or equal"),
        ({"min_players": 5, "max_players": 4}, "min_players", "min players"),
        ({"channel_id": "12x"}, "channel_id", "Discord id"),
        ({"channel_id": "9" * 19}, "channel_id", "Discord id"),
        ({"reminder_offsets": [0]}, "reminder_offsets", "greater than or equal"),
        ({"surprise": 1}, "surprise", "Extra inputs"),
    ]
    for change, field, message in cases:
        response = await host_client.post("/api/v1/games", json=base | change)
        assert response.status_code == 422, (change, response.text)
        [detail] = response.json()["detail"]
        assert detail["loc"][:2] == ["body", field], (change, detail)
        assert message.lower() in detail["msg"].lower(), (change, detail)
    assert (await host_client.post("/api/v1/games", content=b"{not json")).status_code == 422
    assert await _event_types() == []


async def test_unknown_and_foreign_games_are_404(app, host_client):
    await seed_channel(OTHER_GUILD, OTHER_CHANNEL)
    foreign = await create_game(member(player_id(), OTHER_GUILD), channel_discord_id=OTHER_CHANNEL)
    for path in (f"/api/v1/games/{foreign.id}", "/api/v1/games/999999", f"/api/v1/games/{2**63}"):
        response = await host_client.get(path)
        assert response.status_code in (404, 422), path
    assert (await host_client.get(f"/api/v1/games/{foreign.id}")).status_code == 404
    assert (await host_client.post(f"/api/v1/games/{foreign.id}/join")).status_code == 404
    elsewhere = {"channel_id": str(OTHER_CHANNEL), "title": "x", "scheduled_at": _starts()}
    assert (await host_client.post("/api/v1/games", json=elsewhere)).status_code == 404


async def test_update_with_version_and_stale_version(host_client):
    game = await create_game(member(HOST_ID), max_players=2)
    renamed = await host_client.patch(
        f"/api/v1/games/{game.id}", json={"title": "New", "version": game.version}
    )
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "New"
    assert renamed.json()["version"] == game.version + 1
    stale = await host_client.patch(
        f"/api/v1/games/{game.id}", json={"title": "Again", "version": game.version}
    )
    assert stale.status_code == 409
    assert "reload" in stale.json()["detail"]


async def test_reschedule_moves_reminders_and_null_offsets_inherit(host_client):
    game = await create_game(member(HOST_ID), reminder_offsets=[10])
    new_start = utcnow().replace(microsecond=0) + timedelta(days=3)
    response = await host_client.patch(
        f"/api/v1/games/{game.id}",
        json={"scheduled_at": new_start.isoformat(), "reminder_offsets": None},
    )
    assert response.status_code == 200, response.text
    assert response.json()["reminder_offsets"] is None
    assert response.json()["effective_reminder_offsets"] == [60, 15]
    async with get_db_session() as db:
        reminders = (
            await db.execute(select(Reminder).where(Reminder.game_id == game.id))
        ).scalars()
        pending = {r.offset_minutes: r.due_at for r in reminders if r.status == "pending"}
    assert pending == {60: new_start - timedelta(minutes=60), 15: new_start - timedelta(minutes=15)}
    assert "game.updated" in await _event_types()


async def test_cancel_then_cannot_cancel_or_join_again(host_client):
    game = await create_game(member(HOST_ID))
    cancelled = await host_client.post(f"/api/v1/games/{game.id}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "CANCELLED"
    assert (await host_client.post(f"/api/v1/games/{game.id}/cancel")).status_code == 409
    assert (await host_client.post(f"/api/v1/games/{game.id}/join")).status_code == 409
    edited = await host_client.patch(f"/api/v1/games/{game.id}", json={"title": "x"})
    assert edited.status_code == 422
    assert "game.cancelled" in await _event_types()


async def test_list_filters_paginates_and_counts_only_visible_games(app, host_client):
    await seed_channel(OTHER_GUILD, OTHER_CHANNEL)
    mine = [await create_game(member(HOST_ID), minutes_ahead=60 * (i + 1)) for i in range(5)]
    other_host = member(player_id())
    theirs = await create_game(other_host, minutes_ahead=30)
    for _ in range(3):
        await create_game(member(player_id(), OTHER_GUILD), channel_discord_id=OTHER_CHANNEL)
    cancelled = mine[4]
    assert (await host_client.post(f"/api/v1/games/{cancelled.id}/cancel")).status_code == 200

    everything = (await host_client.get("/api/v1/games")).json()
    assert everything["total"] == 6
    assert [g["id"] for g in everything["items"]] == [theirs.id, *[g.id for g in mine]]

    page = (await host_client.get("/api/v1/games", params={"limit": 2, "offset": 2})).json()
    assert page["total"] == 6
    assert page["limit"] == 2
    assert page["offset"] == 2
    assert [g["id"] for g in page["items"]] == [mine[1].id, mine[2].id]
    past_the_end = (await host_client.get("/api/v1/games", params={"offset": 10})).json()
    assert (past_the_end["total"], past_the_end["items"]) == (6, [])

    scheduled = await host_client.get("/api/v1/games", params={"status": ["SCHEDULED"]})
    assert scheduled.json()["total"] == 5
    both = await host_client.get("/api/v1/games", params={"status": ["SCHEDULED", "CANCELLED"]})
    assert both.json()["total"] == 6

    window = {"from": _starts(1.5), "to": _starts(3.5)}
    in_window = (await host_client.get("/api/v1/games", params=window)).json()
    assert [g["id"] for g in in_window["items"]] == [mine[1].id, mine[2].id]

    other_guild = await host_client.get("/api/v1/games", params={"guild_id": str(OTHER_GUILD)})
    assert other_guild.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    by_channel = await host_client.get("/api/v1/games", params={"channel_id": str(CHANNEL_ID)})
    assert by_channel.json()["total"] == 6

    assert (await host_client.post(f"/api/v1/games/{theirs.id}/join")).status_code == 200
    async with client_for(app, await open_session(other_host)) as other:
        assert (await other.get("/api/v1/games", params={"mine": True})).json()["total"] == 1
    mine_only = (await host_client.get("/api/v1/games", params={"mine": True})).json()
    assert mine_only["total"] == 6
    joined = next(g for g in mine_only["items"] if g["id"] == theirs.id)
    assert joined["my_standing"] == "confirmed"
    assert joined["confirmed_count"] == 1


async def test_list_shows_my_standing_per_game_when_i_joined_several(app, host_client):
    full = await create_game(member(HOST_ID), max_players=1, minutes_ahead=60)
    roomy = await create_game(member(HOST_ID), max_players=4, minutes_ahead=120)
    assert (await host_client.post(f"/api/v1/games/{full.id}/join")).status_code == 200
    async with client_for(app, await open_session(member(player_id()))) as player:
        for game in (full, roomy):
            assert (await player.post(f"/api/v1/games/{game.id}/join")).status_code == 200
        listed = await player.get("/api/v1/games", params={"mine": True})

    assert listed.status_code == 200, listed.text
    standings = [(g["my_standing"], g["my_waitlist_position"]) for g in listed.json()["items"]]
    assert standings == [("waitlisted", 1), ("confirmed", None)]


async def test_bad_query_parameters_are_422(host_client):
    for params in (
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"status": "LATE"},
        {"from": "yesterday"},
        {"from": "2030-01-01T00:00:00"},
        {"from": "0001-01-01T00:00:00+01:00"},
        {"guild_id": "abc"},
    ):
        response = await host_client.get("/api/v1/games", params=params)
        assert response.status_code == 422, (params, response.text)


async def test_every_rule_broken_is_listed_in_one_422(host_client):
    past = (utcnow() - timedelta(hours=1)).isoformat()
    body = {
        "channel_id": str(CHANNEL_ID),
        "title": "   ",
        "scheduled_at": past,
        "max_players": 2,
        "min_players": 5,
    }
    response = await host_client.post("/api/v1/games", json=body)
    assert response.status_code == 422
    fields = {tuple(problem["loc"]) for problem in response.json()["detail"]}
    assert fields == {("body", "title"), ("body", "scheduled_at"), ("body", "min_players")}

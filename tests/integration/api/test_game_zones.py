"""The API's optional ``timezone``: a local scheduled_at read in it; aware times unchanged."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from game_scheduler.models import utcnow
from tests.support.api import client_for, open_session
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, member, seed_channel


@pytest.fixture
async def host_client(app, pg_db_url):
    await seed_channel()
    async with client_for(app, await open_session(member(HOST_ID))) as client:
        yield client


def _day(days: int) -> str:
    return (utcnow() + timedelta(days=days)).date().isoformat()


async def test_a_local_time_with_a_zone_is_stored_in_utc(host_client):
    day = _day(4)
    created = await host_client.post(
        "/api/v1/games",
        json={
            "channel_id": str(CHANNEL_ID),
            "title": "Zoned",
            "scheduled_at": f"{day}T20:00:00",
            "timezone": "America/New_York",
        },
    )
    assert created.status_code == 201, created.text
    expected = datetime.combine(
        datetime.fromisoformat(day).date(), time(20, 0), ZoneInfo("America/New_York")
    )
    assert datetime.fromisoformat(created.json()["scheduled_at"]) == expected.astimezone(UTC)
    assert "timezone" not in created.json()

    later = _day(6)
    moved = await host_client.patch(
        f"/api/v1/games/{created.json()['id']}",
        json={"scheduled_at": f"{later}T09:30:00", "timezone": "Asia/Tokyo"},
    )
    assert moved.status_code == 200, moved.text
    tokyo = datetime.combine(
        datetime.fromisoformat(later).date(), time(9, 30), ZoneInfo("Asia/Tokyo")
    )
    assert datetime.fromisoformat(moved.json()["scheduled_at"]) == tokyo.astimezone(UTC)


async def test_an_aware_time_ignores_the_zone(host_client):
    starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    created = await host_client.post(
        "/api/v1/games",
        json={
            "channel_id": str(CHANNEL_ID),
            "title": "Aware",
            "scheduled_at": starts.isoformat(),
            "timezone": "Asia/Tokyo",
        },
    )
    assert created.status_code == 201, created.text
    assert datetime.fromisoformat(created.json()["scheduled_at"]) == starts


async def test_a_bad_zone_or_a_naive_time_alone_is_422_with_every_field(host_client):
    refused = await host_client.post(
        "/api/v1/games",
        json={
            "channel_id": str(CHANNEL_ID),
            "title": "",
            "scheduled_at": f"{_day(3)}T20:00:00",
            "timezone": "Mars/Base",
        },
    )
    assert refused.status_code == 422
    fields = {tuple(d["loc"][:2]) for d in refused.json()["detail"]}
    assert {("body", "timezone"), ("body", "scheduled_at"), ("body", "title")} <= fields

    schema = (await host_client.get("/openapi.json")).json()
    create = schema["components"]["schemas"]["GameCreate"]
    assert "timezone" in create["properties"]
    assert "timezone" not in create["required"]


async def test_the_servers_zone_is_read_and_set_through_the_settings_api(app, pg_db_url):
    await seed_channel()
    admin = await open_session(member(HOST_ID, manage=True))
    async with client_for(app, admin) as client:
        saved = await client.patch(
            f"/api/v1/guilds/{GUILD_ID}/settings", json={"timezone": "Europe/Berlin"}
        )
        refused = await client.patch(
            f"/api/v1/guilds/{GUILD_ID}/settings", json={"timezone": "Mars/Base"}
        )
        read = await client.get(f"/api/v1/guilds/{GUILD_ID}")
        cleared = await client.patch(f"/api/v1/guilds/{GUILD_ID}/settings", json={"timezone": None})

    assert saved.status_code == 200, saved.text
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][:2] == ["body", "timezone"]
    assert read.json()["settings"]["timezone"] == "Europe/Berlin"
    assert cleared.status_code == 200
    assert (await client_get_zone(app, admin)) is None


async def client_get_zone(app, session) -> str | None:
    async with client_for(app, session) as client:
        return (await client.get(f"/api/v1/guilds/{GUILD_ID}")).json()["settings"]["timezone"]

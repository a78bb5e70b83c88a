"""Server templates over HTTP: managers keep them, members post games with their fields."""

from datetime import timedelta

import pytest

from game_scheduler.models import utcnow
from tests.support.api import client_for, open_session
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, member, seed_channel

MANAGER_ID = 500_000_000_000_000_009
URL = f"/api/v1/guilds/{GUILD_ID}/templates"
TEMPLATE = {
    "name": "Tuesday D&D",
    "title": "Curse of Strahd",
    "description": "Session zero done; bring your sheet.",
    "location": "Voice: Tavern",
    "max_players": 5,
    "min_players": 3,
    "duration_minutes": 240,
    "reminder_offsets": [15, 1440],
    "channel_id": str(CHANNEL_ID),
    "ping_role_id": "123456789012345678",
}


@pytest.fixture
async def manager(app, pg_db_url):
    await seed_channel()
    async with client_for(app, await open_session(member(MANAGER_ID, manage=True))) as client:
        yield client


@pytest.fixture
async def host(app, manager):
    async with client_for(app, await open_session(member(HOST_ID))) as client:
        yield client


async def test_crud_round_trip(manager, host):
    created = await manager.post(URL, json=TEMPLATE)
    assert created.status_code == 201, created.text
    body = created.json()
    assert {k: body[k] for k in TEMPLATE} == {**TEMPLATE, "reminder_offsets": [1440, 15]}
    template_url = f"{URL}/{body['id']}"

    listed = await host.get(URL)
    assert [t["name"] for t in listed.json()] == ["Tuesday D&D"]
    assert (await host.get(template_url)).json() == body

    replaced = await manager.put(template_url, json={**TEMPLATE, "title": "Tomb of Annihilation"})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["title"] == "Tomb of Annihilation"

    assert (await host.put(template_url, json=TEMPLATE)).status_code == 403
    assert (await host.delete(template_url)).status_code == 403
    assert (await host.post(URL, json={**TEMPLATE, "name": "x"})).status_code == 403

    assert (await manager.delete(template_url)).status_code == 204
    assert (await host.get(template_url)).status_code == 404
    assert (await host.get(URL)).json() == []


async def test_every_bad_field_is_named(manager):
    assert (await manager.post(URL, json=TEMPLATE)).status_code == 201
    bad = {**TEMPLATE, "min_players": 9, "channel_id": "42", "title": "a\nb"}
    answer = await manager.post(URL, json=bad)
    assert answer.status_code == 422
    fields = {entry["loc"][-1] for entry in answer.json()["detail"]}
    assert fields == {"name", "min_players", "channel_id", "title"}  # "name": the same again


async def test_a_game_posted_from_a_template_has_its_fields(manager, host):
    template = (await manager.post(URL, json=TEMPLATE)).json()
    starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    posted = await host.post(
        f"{URL}/{template['id']}/games", json={"scheduled_at": starts.isoformat()}
    )
    assert posted.status_code == 201, posted.text
    game = posted.json()
    assert game["host"]["id"] == str(HOST_ID)
    assert game["channel_id"] == str(CHANNEL_ID)
    for field in ("title", "description", "location", "max_players", "min_players"):
        assert game[field] == TEMPLATE[field]
    assert game["duration_minutes"] == 240
    assert game["reminder_offsets"] == [1440, 15]
    assert game["scheduled_at"].startswith(starts.strftime("%Y-%m-%dT%H:%M"))


async def test_another_servers_templates_are_not_found(app, manager):
    template = (await manager.post(URL, json=TEMPLATE)).json()
    stranger = member(MANAGER_ID + 1, guild_id=GUILD_ID + 5, manage=True)
    async with client_for(app, await open_session(stranger)) as client:
        assert (await client.get(URL)).status_code == 404
        assert (await client.get(f"{URL}/{template['id']}")).status_code == 404
        other = f"/api/v1/guilds/{GUILD_ID + 5}/templates/{template['id']}"
        assert (await client.get(other)).status_code == 404

"""Server and channel settings: members read, only Manage Server writes; reminders follow."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Guild, Reminder, ReminderStatus, Role, utcnow
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
async def clients(app, pg_db_url):
    await seed_channel()
    async with get_db_session() as db:
        guild = (await db.execute(select(Guild))).scalar_one()
        db.add(Role(discord_id=31, guild_id=guild.id, name="Hosts", permissions=0))
        await db.commit()
    admin = await open_session(member(player_id(), manage=True))
    plain = await open_session(member(player_id()))
    async with client_for(app, admin) as a, client_for(app, plain) as p:
        yield a, p


async def _pending(game_id: int) -> set[int]:
    async with get_db_session() as db:
        rows = await db.execute(
            select(Reminder.offset_minutes).where(
                Reminder.game_id == game_id, Reminder.status == ReminderStatus.PENDING
            )
        )
        return set(rows.scalars())


async def test_members_read_settings_and_their_servers(clients):
    _admin, plain = clients
    guilds = (await plain.get("/api/v1/guilds")).json()
    assert guilds == [{"id": str(GUILD_ID), "name": f"Server {GUILD_ID}", "can_configure": False}]
    guild = (await plain.get(f"/api/v1/guilds/{GUILD_ID}")).json()
    assert guild["can_configure"] is False
    assert guild["settings"] == {
        "reminder_offsets": None,
        "default_max_players": None,
        "host_role_ids": [],
        "manager_role_ids": [],
        "timezone": None,
        "seat_mode": None,
        "offer_window_minutes": None,
        "reconfirm_frees_seat": None,
        "ping_role_id": None,
        "game_threads": False,
        "thread_posts": False,
        "quorum_deadline_minutes": None,
        "quorum_action": None,
        "quorum_nudge_minutes": None,
        "remind_maybe": None,
    }
    assert [c["id"] for c in guild["channels"]] == [str(CHANNEL_ID)]
    assert guild["roles"] == [{"id": "31", "name": "Hosts"}]
    assert (await plain.get("/api/v1/guilds/123")).status_code == 404


async def test_only_manage_server_configures(clients):
    admin, plain = clients
    patch = {"host_role_ids": ["31"], "manager_role_ids": ["32", "32"], "default_max_players": 5}
    assert (await plain.patch(f"/api/v1/guilds/{GUILD_ID}/settings", json=patch)).status_code == 403
    changed = await admin.patch(f"/api/v1/guilds/{GUILD_ID}/settings", json=patch)
    assert changed.status_code == 200
    assert changed.json()["settings"] == {
        "reminder_offsets": None,
        "default_max_players": 5,
        "host_role_ids": ["31"],
        "manager_role_ids": ["32"],
        "timezone": None,
        "seat_mode": None,
        "offer_window_minutes": None,
        "reconfirm_frees_seat": None,
        "ping_role_id": None,
        "game_threads": False,
        "thread_posts": False,
        "quorum_deadline_minutes": None,
        "quorum_action": None,
        "quorum_nudge_minutes": None,
        "remind_maybe": None,
    }
    channel_path = f"/api/v1/guilds/{GUILD_ID}/channels/{CHANNEL_ID}/settings"
    assert (await plain.patch(channel_path, json={"enabled": False})).status_code == 403
    missing = f"/api/v1/guilds/{GUILD_ID}/channels/77/settings"
    assert (await admin.patch(missing, json={"enabled": False})).status_code == 404


async def test_disabled_channel_refuses_games_and_cap_is_inherited(clients):
    admin, _plain = clients
    channel_path = f"/api/v1/guilds/{GUILD_ID}/channels/{CHANNEL_ID}/settings"
    capped = await admin.patch(channel_path, json={"default_max_players": 3})
    assert capped.json()["default_max_players"] == 3
    draft = {
        "channel_id": str(CHANNEL_ID),
        "title": "x",
        "scheduled_at": (utcnow() + timedelta(days=1)).isoformat(),
    }
    created = await admin.post("/api/v1/games", json=draft)
    assert created.json()["max_players"] == 3
    assert (await admin.patch(channel_path, json={"enabled": False})).json()["enabled"] is False
    refused = await admin.post("/api/v1/games", json=draft)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "channel_id"]


async def test_offsets_cascade_to_inheriting_games(clients):
    admin, _plain = clients
    inheriting = await create_game(member(HOST_ID), minutes_ahead=3 * 24 * 60)
    own = await create_game(member(HOST_ID), minutes_ahead=3 * 24 * 60, reminder_offsets=[5])
    assert await _pending(inheriting.id) == {60, 15}
    guild_patch = {"reminder_offsets": [120, 30, 30]}
    changed = await admin.patch(f"/api/v1/guilds/{GUILD_ID}/settings", json=guild_patch)
    assert changed.json()["settings"]["reminder_offsets"] == [120, 30]
    assert await _pending(inheriting.id) == {120, 30}
    channel_path = f"/api/v1/guilds/{GUILD_ID}/channels/{CHANNEL_ID}/settings"
    assert (await admin.patch(channel_path, json={"reminder_offsets": [1440]})).status_code == 200
    assert await _pending(inheriting.id) == {1440}
    assert (await admin.patch(channel_path, json={"reminder_offsets": None})).status_code == 200
    assert await _pending(inheriting.id) == {120, 30}
    assert await _pending(own.id) == {5}


async def test_bad_settings_are_422(clients):
    admin, _plain = clients
    path = f"/api/v1/guilds/{GUILD_ID}/settings"
    for patch in (
        {"reminder_offsets": [0]},
        {"reminder_offsets": list(range(1, 12))},
        {"default_max_players": 1001},
        {"host_role_ids": ["x"]},
        {"host_role_ids": [str(i) for i in range(1, 102)]},
        {"unknown": 1},
    ):
        response = await admin.patch(path, json=patch)
        assert response.status_code == 422, (patch, response.text)


async def test_pings_and_threads_are_set_per_server_and_overridden_per_channel(clients):
    admin, plain = clients
    path = f"/api/v1/guilds/{GUILD_ID}/settings"
    patch = {"ping_role_id": "31", "game_threads": True, "thread_posts": True}
    assert (await plain.patch(path, json=patch)).status_code == 403
    changed = (await admin.patch(path, json=patch)).json()["settings"]
    assert (changed["ping_role_id"], changed["game_threads"], changed["thread_posts"]) == (
        "31",
        True,
        True,
    )
    channel_path = f"/api/v1/guilds/{GUILD_ID}/channels/{CHANNEL_ID}/settings"
    channel = (await admin.patch(channel_path, json={"ping_role_id": "0"})).json()
    assert (channel["ping_role_id"], channel["game_threads"]) == ("0", None)
    cleared = (await admin.patch(channel_path, json={"ping_role_id": None})).json()
    assert cleared["ping_role_id"] is None


async def test_only_a_role_of_the_server_can_be_pinged(clients):
    admin, _plain = clients
    path = f"/api/v1/guilds/{GUILD_ID}/settings"
    for role, status in (("99", 422), (str(GUILD_ID), 422), ("x", 422), ("0", 422)):
        response = await admin.patch(path, json={"ping_role_id": role})
        assert response.status_code == status, (role, response.text)
        assert response.json()["detail"][0]["loc"][-1] == "ping_role_id"
    guild = (await admin.get(f"/api/v1/guilds/{GUILD_ID}")).json()
    assert guild["settings"]["ping_role_id"] is None

"""The API refuses games in channels the bot no longer sees, naming the field, and says why."""

from datetime import timedelta

from game_scheduler.database import get_db_session
from game_scheduler.models import utcnow
from game_scheduler.services import guild_sync
from tests.support.api import client_for, open_session
from tests.support.factories import GUILD_ID, HOST_ID, member, seed_channel

GONE_CHANNEL = 900_000_000_000_000_105


async def test_create_in_a_deleted_channel_is_422_naming_channel_id(app, pg_db_url):
    await seed_channel()
    await seed_channel(channel_id=GONE_CHANNEL)
    async with get_db_session() as db:
        await guild_sync.drop_channel(db, GONE_CHANNEL)
    async with client_for(app, await open_session(member(HOST_ID))) as client:
        starts = (utcnow() + timedelta(days=1)).isoformat()
        draft = {"channel_id": str(GONE_CHANNEL), "title": "x", "scheduled_at": starts}
        response = await client.post("/api/v1/games", json=draft)
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"] == ["body", "channel_id"]
        assert "can no longer see this channel" in error["msg"]
        guild = (await client.get(f"/api/v1/guilds/{GUILD_ID}")).json()
    present = {c["id"]: c["bot_present"] for c in guild["channels"]}
    assert present[str(GONE_CHANNEL)] is False

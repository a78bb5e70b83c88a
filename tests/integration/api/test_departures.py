"""Issue 12 item 5: a member seen gone from a server (the web refresh) loses access there."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select, update

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope
from game_scheduler.models import Guild, OutboxEvent, WebSession, utcnow
from tests.support.api import client_for, open_session, sign_in
from tests.support.factories import GUILD_ID, create_game, member, player_id, seed_channel

KICKED = 600_000_000_000_000_111


async def _events(event_type: str) -> list[dict]:
    async with get_db_session() as db:
        rows = await db.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id)
        )
        return [Envelope.model_validate(p).data for p in rows.scalars()]


async def _feed_titles(client, feed_path: str) -> list[str]:
    response = await client.get(feed_path)
    assert response.status_code == 200
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]


async def test_a_kicked_member_loses_seats_and_feed_and_the_waitlist_moves_up(
    app, client, db_url, fake_discord
):
    await seed_channel()
    fake_discord.add_user(KICKED, "kicked")
    fake_discord.join(KICKED, GUILD_ID, "Test Server")
    assert (await sign_in(client, fake_discord, KICKED)).status_code == 303
    game = await create_game(title="Full table", max_players=1)
    hosted = await create_game(member(KICKED), title="Their own game")
    waiting = member(player_id())
    assert (await client.post(f"/api/v1/games/{game.id}/join")).status_code == 200
    async with client_for(app, await open_session(waiting)) as other:
        joined = await other.post(f"/api/v1/games/{game.id}/join")
        assert joined.json()["waitlist_position"] == 1
    feed = (await client.get("/api/v1/me")).json()["calendar_feed_url"]
    feed_path = feed.removeprefix("http://testserver")
    assert sorted(await _feed_titles(client, feed_path)) == ["Full table", "Their own game"]

    del fake_discord.users[KICKED].guilds[GUILD_ID]  # kicked on Discord
    async with get_db_session() as db:  # a minute later the session re-reads Discord
        await db.execute(update(WebSession).values(discord_cached_at=utcnow() - timedelta(hours=2)))
        await db.commit()
    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["guilds"] == []

    async with client_for(app, await open_session(waiting)) as other:
        detail = (await other.get(f"/api/v1/games/{game.id}")).json()
    assert [p["id"] for p in detail["confirmed"]] == [str(waiting.discord_id)]
    assert detail["waitlist"] == []
    [promoted] = await _events("game.waitlist_promoted")
    assert promoted["user_discord_id"] == str(waiting.discord_id)
    dms = [(d["recipient_discord_id"], d["kind"]) for d in await _events("notification.send_dm")]
    assert dms == [(str(waiting.discord_id), "waitlist_promotion")]  # none to the kicked one
    assert await _feed_titles(client, feed_path) == []
    assert hosted.id  # their hosted game stays, but not in their feed


async def test_a_server_the_bot_left_is_not_a_departure(app, client, db_url, fake_discord):
    await seed_channel()
    fake_discord.add_user(KICKED, "stays")
    fake_discord.join(KICKED, GUILD_ID, "Test Server")
    await sign_in(client, fake_discord, KICKED)
    game = await create_game()
    assert (await client.post(f"/api/v1/games/{game.id}/join")).status_code == 200
    async with get_db_session() as db:
        await db.execute(update(Guild).values(bot_present=False))
        await db.execute(update(WebSession).values(discord_cached_at=utcnow() - timedelta(hours=2)))
        await db.commit()
    assert (await client.get("/api/v1/me")).status_code == 200
    assert await _events("game.player_left") == []

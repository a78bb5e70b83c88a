"""Calendars: valid RFC 5545 that icalendar parses, times in UTC, standing in every event."""

from datetime import UTC, timedelta

from icalendar import Calendar

from tests.support.api import client_for, open_session
from tests.support.factories import HOST_ID, create_game, member, player_id, seed_channel


def _events(body: bytes) -> dict[str, Calendar]:
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


async def test_one_game_ics_has_utc_times(app, pg_db_url):
    await seed_channel()
    game = await create_game(title="Catan; night", location="Room 4", duration_minutes=90)
    async with client_for(app, await open_session(member(player_id()))) as client:
        response = await client.get(f"/api/v1/games/{game.id}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert f"game-{game.id}.ics" in response.headers["content-disposition"]
    assert b"\r\n" in response.content
    [event] = _events(response.content).values()
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert start.utcoffset() == timedelta(0)
    assert start == game.scheduled_at.replace(microsecond=0)
    assert end - start == timedelta(minutes=90)
    assert f"DTSTART:{game.scheduled_at.astimezone(UTC):%Y%m%dT%H%M%S}Z" in response.text
    assert str(event["SUMMARY"]) == "Catan; night"
    assert str(event["LOCATION"]) == "Room 4"
    assert str(event["UID"]) == f"game-{game.id}@127.0.0.1"
    assert str(event["STATUS"]) == "CONFIRMED"


async def test_feed_lists_hosted_confirmed_and_waitlisted_games(app, db_url):
    await seed_channel()
    me = member(player_id())
    hosted = await create_game(me, title="Hosted")
    full = await create_game(title="Full", max_players=1)
    open_game = await create_game(title="Open", max_players=5)
    await create_game(title="Unrelated")
    async with (
        client_for(app, await open_session(me)) as client,
        client_for(app, await open_session(member(player_id()))) as other,
    ):
        assert (await other.post(f"/api/v1/games/{full.id}/join")).status_code == 200
        for game in (full, open_game):
            assert (await client.post(f"/api/v1/games/{game.id}/join")).status_code == 200
        host = client_for(app, await open_session(member(HOST_ID)))
        async with host:
            assert (await host.post(f"/api/v1/games/{open_game.id}/cancel")).status_code == 200
        feed_url = (await client.get("/api/v1/me")).json()["calendar_feed_url"]
        path = feed_url.removeprefix("http://testserver")
        feed = await client.get(path, headers={"Cookie": ""})
        assert feed.status_code == 200
        events = _events(feed.content)
        assert set(events) == {"Hosted", "Full (waitlist #1)", "Open"}
        assert "hosting" in str(events["Hosted"]["DESCRIPTION"])
        assert str(events["Full (waitlist #1)"]["STATUS"]) == "TENTATIVE"
        assert "waitlisted" in str(events["Full (waitlist #1)"]["DESCRIPTION"])
        assert str(events["Open"]["STATUS"]) == "CANCELLED"
        assert "confirmed" in str(events["Open"]["DESCRIPTION"])
        assert events["Hosted"]["DTSTART"].dt == hosted.scheduled_at.replace(microsecond=0)

        renewed = await client.post("/api/v1/me/calendar-token")
        assert renewed.status_code == 200
        new_path = renewed.json()["calendar_feed_url"].removeprefix("http://testserver")
        assert new_path != path
        assert (await client.get(path)).status_code == 404
        assert (await client.get(new_path)).status_code == 200
        assert (await client.get("/calendar/not-a-real-token-at-all.ics")).status_code == 404
        assert (await client.get("/calendar/x.ics")).status_code == 422

"""A series in calendars: one UID per occurrence, each naming the series as its parent."""

from __future__ import annotations

from icalendar import Calendar

from game_scheduler.database import get_sync_db_session
from game_scheduler.models import utcnow
from game_scheduler.scheduler.services.series import materialise_all
from tests.support.api import client_for, open_session
from tests.support.factories import member, player_id, seed_channel
from tests.support.series import KeepingPublisher, create_weekly


async def test_feed_has_each_occurrence_the_user_is_in_related_to_the_series(app, db_url):
    await seed_channel()
    plan, first_id = await create_weekly(hours_ahead=24)
    with get_sync_db_session() as session:
        second_id = materialise_all(session, utcnow(), KeepingPublisher())[0].game_id
    # Another series' game the user is not in stays out of their feed.
    await create_weekly(hours_ahead=30)
    me = member(player_id())
    async with client_for(app, await open_session(me)) as client:
        for game_id in (first_id, second_id):
            assert (await client.post(f"/api/v1/games/{game_id}/join")).status_code == 200
        feed_url = (await client.get("/api/v1/me")).json()["calendar_feed_url"]
        feed = await client.get(feed_url.removeprefix("http://testserver"), headers={"Cookie": ""})
        one = await client.get(f"/api/v1/games/{second_id}.ics")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(
        f"game-{game_id}@127.0.0.1" for game_id in (first_id, second_id)
    )
    parent = f"series-{plan.id}@127.0.0.1"
    assert {str(e["RELATED-TO"]) for e in events} == {parent}
    assert {e["RELATED-TO"].params["RELTYPE"] for e in events} == {"PARENT"}
    [single] = Calendar.from_ical(one.content).walk("VEVENT")
    assert str(single["RELATED-TO"]) == parent

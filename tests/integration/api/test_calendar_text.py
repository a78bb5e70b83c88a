"""Issue 12 item 4 over HTTP: rows holding CR, LF and control characters still give valid .ics."""

from icalendar import Calendar
from sqlalchemy import update

from game_scheduler.database import get_db_session
from game_scheduler.models import Game, User
from tests.support.api import client_for, open_session
from tests.support.factories import create_game, member, player_id, seed_channel

EVIL = "a\rb\nc\r\nd\x07e\x1bf\x85g;h,i\\j"


async def test_control_characters_in_every_field_give_a_parsable_ics(app, db_url):
    await seed_channel()
    viewer = member(player_id())
    host = member(player_id())
    game = await create_game(host)
    signed_in, host_signed_in = await open_session(viewer), await open_session(host)
    async with get_db_session() as db:  # as rows written before the rule was enforced
        await db.execute(
            update(Game)
            .where(Game.id == game.id)
            .values(title=EVIL, location=EVIL, description=EVIL, signup_instructions=EVIL)
        )
        await db.execute(
            update(User).where(User.discord_id == host.discord_id).values(username=EVIL)
        )
        await db.commit()
    async with client_for(app, signed_in) as client:
        one = await client.get(f"/api/v1/games/{game.id}.ics")
    async with client_for(app, host_signed_in) as host_client:
        feed_url = (await host_client.get("/api/v1/me")).json()["calendar_feed_url"]
        feed = await host_client.get(feed_url.removeprefix("http://testserver"))
    for response in (one, feed):
        assert response.status_code == 200
        assert b"\r" not in response.content.replace(b"\r\n", b"")
        assert b"\x07" not in response.content
        [event] = Calendar.from_ical(response.content).walk("VEVENT")
        assert str(event["SUMMARY"]) == "a b c d e f g;h,i\\j"
        assert str(event["LOCATION"]) == "a b c d e f g;h,i\\j"
        assert "a\nb\nc\nd e f g;h,i\\j" in str(event["DESCRIPTION"])
    [calname] = [line for line in feed.content.split(b"\r\n") if line.startswith(b"X-WR-")]
    assert calname.startswith(b"X-WR-CALNAME:Games of a b c d e f g")

"""Three-way RSVP over HTTP: PUT the answer, read signups with their status (filtered), the
calendar's PARTSTAT, declined games leaving the private feed, and the remind_maybe setting."""

from datetime import timedelta

from icalendar import Calendar

from game_scheduler.models import utcnow
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


async def test_answers_and_signup_statuses(app, db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    keen, late, unsure, out = (member(player_id()) for _ in range(4))
    async with (
        client_for(app, await open_session(keen)) as a,
        client_for(app, await open_session(late)) as b,
        client_for(app, await open_session(unsure)) as c,
        client_for(app, await open_session(out)) as d,
    ):
        signup = f"/api/v1/games/{game.id}/signup"
        assert (await a.put(signup, json={"response": "going"})).json()["status"] == "confirmed"
        assert (await b.post(f"/api/v1/games/{game.id}/join")).json()["status"] == "waitlisted"
        maybe = await c.put(signup, json={"response": "maybe"})
        assert maybe.status_code == 200
        assert maybe.json() | {"user_id": None} == {
            "game_id": game.id,
            "user_id": None,
            "signed_up": True,
            "confirmed": False,
            "waitlist_position": None,
            "confirmed_count": 1,
            "waitlist_count": 1,
            "status": "maybe",
        }
        assert (await d.put(signup, json={"response": "declined"})).json()["status"] == "declined"

        everyone = (await a.get(f"/api/v1/games/{game.id}/signups")).json()["items"]
        assert [(p["id"], p["status"]) for p in everyone] == [
            (str(keen.discord_id), "confirmed"),
            (str(late.discord_id), "waitlisted"),
            (str(unsure.discord_id), "maybe"),
            (str(out.discord_id), "declined"),
        ]
        some = await a.get(f"/api/v1/games/{game.id}/signups?status=maybe&status=declined")
        assert [p["id"] for p in some.json()["items"]] == [
            str(unsure.discord_id),
            str(out.discord_id),
        ]
        bad = await a.get(f"/api/v1/games/{game.id}/signups?status=sometimes")
        assert bad.status_code == 422
        wrong = await a.put(signup, json={"response": "perhaps"})
        assert wrong.status_code == 422
        assert any(e["loc"][-1] == "response" for e in wrong.json()["detail"])

        # The confirmed player can't come after all: the waitlisted one gets the seat.
        gave_up = await a.put(signup, json={"response": "declined"})
        assert (gave_up.json()["status"], gave_up.json()["confirmed_count"]) == ("declined", 1)
        detail = (await b.get(f"/api/v1/games/{game.id}")).json()
    assert detail["my_standing"] == "confirmed"
    assert [p["id"] for p in detail["confirmed"]] == [str(late.discord_id)]
    assert [p["id"] for p in detail["maybe"]] == [str(unsure.discord_id)]
    assert {p["id"] for p in detail["declined"]} == {str(out.discord_id), str(keen.discord_id)}
    assert (detail["confirmed_count"], detail["waitlist_count"]) == (1, 0)


def _partstat(body: bytes) -> dict[str, str]:
    """Each event's summary and its one attendee's PARTSTAT."""
    calendar = Calendar.from_ical(body)
    return {
        str(e["SUMMARY"]): str(e["ATTENDEE"].params["PARTSTAT"]) for e in calendar.walk("VEVENT")
    }


async def test_partstat_follows_the_answer_and_declined_games_leave_the_feed(app, db_url):
    await seed_channel()
    me = member(player_id())
    await create_game(me, title="Hosted")
    seated = await create_game(title="Seated", max_players=2)
    full = await create_game(title="Full", max_players=1)
    unsure = await create_game(title="Unsure")
    declined = await create_game(title="Declined")
    async with (
        client_for(app, await open_session(me)) as client,
        client_for(app, await open_session(member(player_id()))) as other,
    ):
        await other.post(f"/api/v1/games/{full.id}/join")
        for game, answer in (
            (seated, "going"),
            (full, "going"),
            (unsure, "maybe"),
            (declined, "declined"),
        ):
            answered = await client.put(
                f"/api/v1/games/{game.id}/signup", json={"response": answer}
            )
            assert answered.status_code == 200
        one = await client.get(f"/api/v1/games/{declined.id}.ics")
        assert _partstat(one.content) == {"Declined": "DECLINED"}
        feed_url = (await client.get("/api/v1/me")).json()["calendar_feed_url"]
        feed = await client.get(feed_url.removeprefix("http://testserver"), headers={"Cookie": ""})
    assert _partstat(feed.content) == {
        "Hosted": "ACCEPTED",
        "Seated": "ACCEPTED",
        "Full (waitlist #1)": "NEEDS-ACTION",
        "Unsure": "TENTATIVE",
    }
    attendee = Calendar.from_ical(feed.content).walk("VEVENT")[0]["ATTENDEE"]
    assert str(attendee) == f"https://discord.com/users/{me.discord_id}"


async def test_remind_maybe_is_set_per_server_channel_and_game(app, db_url):
    await seed_channel()
    admin = member(HOST_ID, manage=True)
    async with client_for(app, await open_session(admin)) as client:
        server = await client.patch(
            f"/api/v1/guilds/{GUILD_ID}/settings", json={"remind_maybe": True}
        )
        assert server.status_code == 200, server.text
        assert server.json()["settings"]["remind_maybe"] is True
        created = await client.post(
            "/api/v1/games",
            json={
                "channel_id": str(CHANNEL_ID),
                "title": "Quiet",
                "scheduled_at": (utcnow() + timedelta(days=2)).isoformat(),
                "remind_maybe": False,
            },
        )
        assert created.status_code == 201, created.text
        assert created.json()["remind_maybe"] is False
        game_id = created.json()["id"]
        back = await client.patch(f"/api/v1/games/{game_id}", json={"remind_maybe": None})
        assert back.json()["remind_maybe"] is None

"""Issue 12 item 4: any stored text yields an .ics that parses back with the same events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from game_scheduler.models import Channel, Game, GameStatus, Guild, Participant, User
from game_scheduler.services.calendar import Standing, game_event, ics_text, render

START = datetime(2030, 5, 17, 18, 0, tzinfo=UTC)
# Any characters a row could hold, control characters included (PostgreSQL refuses only NUL).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


def _game(game_id: int, title: str, location: str, description: str, extra: str) -> Game:
    host = User(id=1, discord_id=10, username="host", calendar_token="t" * 20)
    game = Game(
        id=game_id,
        guild=Guild(id=1, discord_id=20, name="g"),
        channel=Channel(id=1, discord_id=30, name="c"),
        host=host,
        host_id=1,
        title=title,
        description=description,
        location=location,
        signup_instructions=extra,
        scheduled_at=START + timedelta(days=game_id),
        duration_minutes=90,
        max_players=1,
        status=GameStatus.SCHEDULED,
        discord_message_id=40,
        updated_at=START,
        version=3,
    )
    game.participants = [Participant(user_id=1, position=1), Participant(user_id=2, position=2)]
    return game


@settings(max_examples=150, deadline=None)
@given(
    titles=st.lists(ANY_TEXT, min_size=1, max_size=3),
    location=ANY_TEXT,
    description=ANY_TEXT,
    extra=ANY_TEXT,
    owner=ANY_TEXT,
)
def test_any_stored_text_round_trips_through_ics(titles, location, description, extra, owner):
    games = [_game(i + 1, t, location, description, extra) for i, t in enumerate(titles)]
    standing = Standing.WAITLISTED
    body = render(f"Games of {owner}", [game_event(g, standing, 1) for g in games])
    assert b"\r" not in body.replace(b"\r\n", b"")  # no bare CR anywhere
    parsed = Calendar.from_ical(body)
    events = parsed.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"game-{g.id}@127.0.0.1" for g in games]
    for event, game in zip(events, games, strict=True):
        assert str(event["summary"]) == str(ics_text(f"{game.title} (waitlist #1)"))
        assert event.decoded("dtstart") == game.scheduled_at
        if game.location:
            assert str(event["location"]) == str(ics_text(game.location))
        assert str(ics_text(description, multiline=True)) in str(event["description"])


def test_control_characters_are_not_written_raw():
    game = _game(1, "two\nlines\rand\x07bell", "here\r\nthere", "a\rb", "")
    body = render("Games of evil\rname", [game_event(game, Standing.CONFIRMED, None)])
    assert b"X-WR-CALNAME:Games of evil name\r\n" in body
    assert b"SUMMARY:two lines and bell\r\n" in body
    assert b"\x07" not in body
    assert "a\nb" in str(Calendar.from_ical(body).walk("VEVENT")[0]["description"])

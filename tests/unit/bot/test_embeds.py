"""The announcement embed shows everything and always fits Discord's limits."""

from datetime import UTC, datetime

import pytest

from game_scheduler.bot.embeds import (
    FIELD_VALUE_LIMIT,
    TOTAL_LIMIT,
    build_announcement,
    format_duration,
    mention_list,
)
from game_scheduler.domain import games as rules
from game_scheduler.models import Game, GameStatus, Participant, User

START = datetime(2030, 5, 4, 19, 30, tzinfo=UTC)


def _game(players: int = 0, max_players: int = 4, **fields: object) -> Game:
    values: dict[str, object] = {
        "id": 42,
        "title": "Catan night",
        "description": "",
        "location": "",
        "signup_instructions": "",
        "scheduled_at": START,
        "duration_minutes": 90,
        "max_players": max_players,
        "status": GameStatus.SCHEDULED,
    } | fields
    return Game(
        **values,
        host=User(discord_id=1),
        participants=[
            Participant(user=User(discord_id=100_000_000_000_000_000 + i), position=i + 1)
            for i in range(players)
        ],
    )


def _fields(game: Game) -> dict[str, str]:
    return {f.name: f.value for f in build_announcement(game).embed.fields}


def test_embed_shows_time_duration_host_players_and_waitlist():
    fields = _fields(_game(players=3, max_players=2, location="Table 3"))
    start = int(START.timestamp())
    assert fields["When"] == f"<t:{start}:F> (<t:{start}:R>)"
    assert fields["Duration"] == "1 h 30 min"
    assert fields["Where"] == "Table 3"
    assert fields["Host"] == "<@1>"
    assert fields["Players (2/2)"] == "<@100000000000000000>, <@100000000000000001>"
    assert fields["Waitlist (1)"] == "<@100000000000000002>"
    assert fields["Status"] == "Scheduled: signups are open"
    assert "How to join" in fields


@pytest.mark.parametrize(
    ("status", "title", "joinable"),
    [
        (GameStatus.SCHEDULED, "Catan night", True),
        (GameStatus.IN_PROGRESS, "[In progress] Catan night", False),
        (GameStatus.COMPLETED, "[Completed] Catan night", False),
        (GameStatus.CANCELLED, "[Cancelled] Catan night", False),
    ],
)
def test_status_shows_in_title_and_closes_signups(status, title, joinable):
    announcement = build_announcement(_game(status=status))
    assert announcement.embed.title == title
    assert announcement.joinable is joinable
    assert ("How to join" in _fields(_game(status=status))) is joinable


def test_the_largest_game_still_fits_every_limit():
    game = _game(
        players=1000,
        max_players=500,
        title="T" * rules.TITLE_MAX,
        description="D" * rules.TEXT_MAX,
        location="L" * rules.LOCATION_MAX,
        signup_instructions="S" * rules.TEXT_MAX,
    )
    embed = build_announcement(game).embed
    assert len(embed) <= TOTAL_LIMIT
    assert all(len(f.value) <= FIELD_VALUE_LIMIT for f in embed.fields)
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Players (500/500)"].endswith(" more")
    assert fields["Waitlist (500)"].endswith(" more")
    assert embed.description is not None
    assert embed.description.endswith("…")


def test_mention_list_counts_who_did_not_fit():
    ids = list(range(10_000, 10_100))
    text = mention_list(ids, limit=60)
    assert len(text) <= 60
    shown = text.count("<@")
    assert text.endswith(f" and {len(ids) - shown} more")
    assert mention_list([5, 6]) == "<@5>, <@6>"
    assert mention_list([]) == ""


@pytest.mark.parametrize(
    ("minutes", "text"), [(45, "45 min"), (60, "1 h"), (150, "2 h 30 min"), (1440, "24 h")]
)
def test_format_duration(minutes, text):
    assert format_duration(minutes) == text


def test_a_game_with_a_quorum_deadline_shows_what_it_still_needs():
    fields = _fields(_game(players=1, min_players=3, quorum_deadline_minutes=60))
    deadline = int(START.timestamp()) - 3600
    assert fields["Quorum"] == f"At least 3 by <t:{deadline}:f>: needs 2 more"
    on = _fields(_game(players=3, min_players=3, quorum_deadline_minutes=60, quorum_state="on"))
    assert on["Quorum"].endswith(": on")
    assert "Quorum" not in _fields(_game(players=1, min_players=3))


def _answered(game: Game, answers: dict[int, str]) -> Game:
    """The game with some players (by index) answering maybe or declined."""
    for index, answer in answers.items():
        game.participants[index].response = answer  # type: ignore[assignment]
    return game


def test_maybe_and_cant_are_listed_with_counts_and_hold_no_seat():
    game = _answered(_game(players=4, max_players=2), {0: "maybe", 2: "declined"})
    fields = _fields(game)
    ids = [p.user.discord_id for p in game.participants]
    assert fields["Players (2/2)"] == f"<@{ids[1]}>, <@{ids[3]}>"
    assert "Waitlist (0)" not in fields
    assert fields["Maybe (1)"] == f"<@{ids[0]}>"
    assert fields["Can't (1)"] == f"<@{ids[2]}>"


def test_long_maybe_and_cant_lists_are_cut_to_the_field_limit_and_the_embed_fits():
    game = _game(players=400, max_players=100, description="x" * 4000)
    game = _answered(game, {i: "maybe" if i % 2 else "declined" for i in range(200, 400)})
    embed = build_announcement(game).embed
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Maybe (100)"].endswith(" more")
    assert fields["Can't (100)"].endswith(" more")
    assert all(len(f.value) <= FIELD_VALUE_LIMIT for f in embed.fields)
    assert len(embed) <= TOTAL_LIMIT


def test_the_announcement_links_to_its_page_and_calendar_under_public_url():
    announcement = build_announcement(_game(), "https://games.example.org/")
    assert announcement.links == (
        ("Game page", "https://games.example.org/games/42"),
        ("Add to calendar (.ics)", "https://games.example.org/api/v1/games/42.ics"),
    )
    assert build_announcement(_game()).links == ()

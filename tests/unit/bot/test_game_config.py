"""/game-config's option checks: every bad option named once, nothing half-read."""

import pytest

from game_scheduler.bot import command_text as text
from game_scheduler.bot.game_config import ConfigOptions, ConfigProblems, checked_changes
from game_scheduler.domain.pings import NO_PING
from game_scheduler.domain.quorum import QuorumAction
from game_scheduler.errors import ValidationError


@pytest.mark.parametrize(
    ("typed", "none", "expected"),
    [("45", None, 45), (" default ", None, None), ("none", 0, 0), ("0", None, 0)],
)
def test_minutes_are_read_with_their_words(typed, none, expected):
    assert text.parse_minutes(typed, "offer_window_minutes", none=none) == expected


@pytest.mark.parametrize("typed", ["none", "-5", "1h", "1234567"])
def test_minutes_refuse_what_they_cannot_mean(typed):
    with pytest.raises(ValidationError) as caught:
        text.parse_minutes(typed, "offer_window_minutes")
    assert caught.value.field == "offer_window_minutes"


def test_options_become_the_services_fields():
    given, zone = checked_changes(
        ConfigOptions(
            remind_maybe="false",
            ping_clear="none",
            threads="default",
            seat_mode="offer",
            offer_window="20",
            quorum_deadline="none",
            quorum_action="ask_host",
            timezone="default",
        )
    )

    assert given == {
        "remind_maybe": False,
        "ping_role_id": NO_PING,
        "game_threads": None,
        "seat_mode": "offer",
        "offer_window_minutes": 20,
        "quorum_deadline_minutes": 0,
        "quorum_action": QuorumAction.ASK_HOST,
    }
    assert zone == ""


def test_several_bad_options_are_listed_by_their_option_names():
    with pytest.raises(ConfigProblems) as caught:
        checked_changes(
            ConfigOptions(max_players=5000, offer_window="0", quorum_deadline="99999999")
        )

    lines = str(caught.value).splitlines()
    assert lines[0] == "Nothing was saved:"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "• max_players",
        "• offer_window",
        "• quorum_deadline",
    ]

from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.domain import games
from game_scheduler.errors import ValidationError

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def test_title_is_trimmed_and_bounded():
    assert games.clean_title("  Catan  ") == "Catan"
    assert games.clean_title("x" * 200) == "x" * 200
    for bad, message in (("", "empty"), ("   ", "empty"), ("x" * 201, "at most 200")):
        with pytest.raises(ValidationError, match=message) as info:
            games.clean_title(bad)
        assert info.value.field == "title"


@pytest.mark.parametrize("value", [0, -1, 1001])
def test_max_players_bounds(value):
    with pytest.raises(ValidationError, match="between 1 and 1000"):
        games.check_max_players(value)


def test_max_players_limits_inclusive():
    assert games.check_max_players(1) == 1
    assert games.check_max_players(1000) == 1000


def test_min_players_within_cap():
    assert games.check_min_players(4, 4) == 4
    with pytest.raises(ValidationError, match="min players"):
        games.check_min_players(5, 4)
    with pytest.raises(ValidationError, match="min players"):
        games.check_min_players(0, 4)


def test_start_must_be_future_and_zoned():
    assert games.check_start(NOW + timedelta(seconds=1), NOW)
    with pytest.raises(ValidationError, match="future"):
        games.check_start(NOW, NOW)
    with pytest.raises(ValidationError, match="time zone"):
        games.check_start(datetime(2031, 1, 1), NOW)


def test_duration_and_text_limits():
    assert games.check_duration(1) == 1
    with pytest.raises(ValidationError, match="duration"):
        games.check_duration(0)
    with pytest.raises(ValidationError, match="location must be at most 200"):
        games.clean_text("x" * 201, "location", games.LOCATION_MAX)


def test_start_at_most_two_years_ahead():
    assert games.check_start(NOW + timedelta(days=games.MAX_DAYS_AHEAD), NOW)
    with pytest.raises(ValidationError, match="two years") as info:
        games.check_start(NOW + timedelta(days=games.MAX_DAYS_AHEAD, seconds=1), NOW)
    assert info.value.field == "scheduled_at"


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b"])
def test_text_refuses_nul_and_lone_surrogates(bad):
    with pytest.raises(ValidationError, match="not allowed") as info:
        games.clean_text(bad, "location")
    assert info.value.field == "location"
    with pytest.raises(ValidationError, match="not allowed"):
        games.clean_title(bad)

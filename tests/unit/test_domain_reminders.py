from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.domain.reminders import (
    MAX_OFFSET_MINUTES,
    due_at,
    effective_offsets,
    is_current,
    is_too_late,
    recipients,
    validate_offsets,
)
from game_scheduler.errors import ValidationError


@pytest.mark.parametrize(
    ("game", "channel", "guild", "expected"),
    [
        (None, None, None, [60, 15]),
        (None, None, [30], [30]),
        (None, [120, 5], [30], [120, 5]),
        ([10], [120, 5], [30], [10]),
        ([], [120], [30], []),
        (None, [], [30], []),
        ([15, 60, 15], None, None, [60, 15]),
    ],
)
def test_offsets_are_inherited_game_channel_guild_default(game, channel, guild, expected):
    assert effective_offsets(game, channel, guild, [60, 15]) == expected


def test_validate_offsets_sorts_and_deduplicates():
    assert validate_offsets([5, 60, 5, 1440]) == [1440, 60, 5]


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ([0], "must be positive"),
        ([-5], "must be positive"),
        ([MAX_OFFSET_MINUTES + 1], "more than 4 weeks"),
        (list(range(1, 12)), "at most 10"),
        ([1.5], "whole number"),
        ([True], "whole number"),
    ],
)
def test_validate_offsets_rejects_bad_values(offsets, message):
    with pytest.raises(ValidationError, match=message) as info:
        validate_offsets(offsets)
    assert info.value.field == "reminder_offsets"


def test_four_weeks_and_ten_offsets_are_the_limits():
    assert validate_offsets([MAX_OFFSET_MINUTES]) == [MAX_OFFSET_MINUTES]
    assert len(validate_offsets(range(1, 11))) == 10


def test_due_at_and_lateness():
    start = datetime(2030, 1, 1, 20, 0, tzinfo=UTC)
    assert due_at(start, 15) == start - timedelta(minutes=15)
    assert due_at(start, 7 * 24 * 60) == start - timedelta(days=7)
    assert not is_too_late(start - timedelta(seconds=1), start)
    assert is_too_late(start, start)


def test_a_reminder_is_current_only_while_it_matches_the_game_time():
    start = datetime(2030, 5, 1, 20, 0, tzinfo=UTC)
    assert is_current(start - timedelta(minutes=15), start, 15)
    assert not is_current(start - timedelta(minutes=15), start + timedelta(hours=1), 15)
    assert not is_current(start - timedelta(minutes=15), start, 60)


def test_recipients_are_the_host_then_players_each_once():
    assert recipients(1, [2, 3]) == [1, 2, 3]
    assert recipients(2, [1, 2, 3]) == [2, 1, 3]
    assert recipients(1, []) == [1]

"""Attendance marks, the completion prompt's rule, and the stats that follow from the marks."""

from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.domain import attendance, dm_rules, notices
from game_scheduler.domain.attendance import Mark
from game_scheduler.domain.dm_rules import GameNow, expiry_reason
from game_scheduler.domain.history import duplicate_start, parse_month
from game_scheduler.domain.status import GameStatus
from game_scheduler.errors import ValidationError

HOST, SEATED = 1, 2


def game(status: GameStatus) -> GameNow:
    return GameNow(status, 0, HOST, frozenset({SEATED}), frozenset())


def test_the_prompt_holds_only_for_the_host_of_a_completed_game():
    assert expiry_reason(dm_rules.ATTENDANCE, 0, HOST, game(GameStatus.COMPLETED)) is None
    assert expiry_reason(dm_rules.ATTENDANCE, 0, SEATED, game(GameStatus.COMPLETED)) is not None
    for status in (GameStatus.SCHEDULED, GameStatus.IN_PROGRESS, GameStatus.CANCELLED):
        assert expiry_reason(dm_rules.ATTENDANCE, 0, HOST, game(status)) == (
            "the game is not completed"
        )
    assert not dm_rules.is_rate_limited(
        dm_rules.ATTENDANCE, [datetime.now(UTC)] * 9, datetime.now(UTC)
    )


def test_the_prompt_goes_to_the_host_only_when_someone_held_a_seat():
    assert notices.after_completion("host", ["a", "b"]) == [
        notices.Notice("host", notices.DmKind.ATTENDANCE)
    ]
    assert notices.after_completion("host", []) == []


def test_marks_are_for_confirmed_players_of_a_completed_game_only():
    assert attendance.check_marks({2: "attended", 3: "no_show"}, [2, 3]) == {
        2: Mark.ATTENDED,
        3: Mark.NO_SHOW,
    }
    with pytest.raises(ValidationError) as refused:
        attendance.check_marks({9: "attended", 2: "maybe"}, [2])
    assert [field for field, _ in refused.value.problems] == ["marks.9", "marks.2"]
    attendance.check_markable(GameStatus.COMPLETED)
    with pytest.raises(ValidationError):
        attendance.check_markable(GameStatus.CANCELLED)


def test_player_stats_count_unmarked_seats_as_played():
    stats = attendance.player_stats(["attended", None, "no_show", None])
    assert (stats.played, stats.no_shows, stats.attended_marked) == (3, 1, 1)
    assert attendance.player_stats([]) == attendance.PlayerStats(0, 0, 0)


def test_server_stats_average_top_players_and_ties():
    seats = [
        (10, 100, "attended"),
        (10, 101, "no_show"),
        (11, 101, None),
        (11, 102, None),
        (12, 102, None),
    ]
    stats = attendance.server_stats(completed=4, cancelled=2, seats=seats)
    assert (stats.games_completed, stats.games_cancelled) == (4, 2)
    assert (stats.games_marked, stats.no_shows) == (1, 1)
    assert stats.average_attendance == 1.0  # four came over four completed games
    assert [(t.user_id, t.played) for t in stats.top_players] == [(102, 2), (100, 1), (101, 1)]
    empty = attendance.server_stats(0, 0, [])
    assert (empty.average_attendance, empty.top_players) == (None, [])


def test_months_parse_to_utc_bounds():
    month = parse_month("2026-12")
    assert (month.starts, month.ends) == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert str(month) == "2026-12"
    for bad in ("2026-13", "2026-00", "26-01", "december", ""):
        with pytest.raises(ValidationError):
            parse_month(bad)


def test_a_duplicate_starts_on_the_same_weekday_and_time_in_the_first_week_ahead():
    original = datetime(2026, 11, 3, 19, 0, tzinfo=UTC)
    assert duplicate_start(original, original - timedelta(days=1)) == original + timedelta(days=7)
    now = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # four weeks later, an hour past the time
    assert duplicate_start(original, now) == datetime(2026, 12, 8, 19, 0, tzinfo=UTC)
    exactly = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
    assert duplicate_start(original, exactly) == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)

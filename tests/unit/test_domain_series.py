"""Series rules: RRULEs from a host's choice, starts in a zone across DST, the window, splits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from game_scheduler.domain import series
from game_scheduler.domain.series import Repeat, RepeatKind
from game_scheduler.errors import ValidationError

BERLIN = ZoneInfo("Europe/Berlin")


def _local(moment: datetime) -> tuple[int, int, int]:
    local = moment.astimezone(BERLIN)
    return local.weekday(), local.hour, local.minute


def test_weekly_tuesday_stays_at_20_local_across_both_dst_changes() -> None:
    first = datetime(2027, 3, 16, 20, 0, tzinfo=BERLIN)  # Tuesday; DST starts Sunday 28 March
    rule = series.to_rrule(Repeat(RepeatKind.WEEKLY, weekdays=("TU",)), first, BERLIN)
    march = series.starts_between(
        rule, first, BERLIN, first - timedelta(seconds=1), datetime(2027, 4, 7, tzinfo=UTC)
    )
    assert [_local(s) for s in march] == [(1, 20, 0)] * 4
    assert [s.hour for s in march] == [19, 19, 18, 18]  # CET is UTC+1, CEST UTC+2
    autumn_first = datetime(2027, 10, 19, 20, 0, tzinfo=BERLIN)  # DST ends Sunday 31 October
    autumn = series.starts_between(
        rule,
        autumn_first,
        BERLIN,
        autumn_first - timedelta(seconds=1),
        datetime(2027, 11, 10, tzinfo=UTC),
    )
    assert [_local(s) for s in autumn] == [(1, 20, 0)] * 4
    assert [s.hour for s in autumn] == [18, 18, 19, 19]
    assert all(s.tzinfo is UTC for s in march + autumn)


def test_monthly_second_friday() -> None:
    first = datetime(2027, 1, 8, 19, 30, tzinfo=BERLIN)  # the 2nd Friday of January 2027
    rule = series.to_rrule(Repeat(RepeatKind.MONTHLY_WEEKDAY, nth=2), first, BERLIN)
    assert rule == "FREQ=MONTHLY;INTERVAL=1;BYDAY=2FR"
    starts = series.next_starts(rule, first, BERLIN, first - timedelta(seconds=1), 6)
    local = [s.astimezone(BERLIN) for s in starts]
    assert [d.date() for d in local] == [
        date(2027, 1, 8),
        date(2027, 2, 12),
        date(2027, 3, 12),
        date(2027, 4, 9),
        date(2027, 5, 14),
        date(2027, 6, 11),
    ]
    assert {(d.hour, d.minute) for d in local} == {(19, 30)}


def test_monthly_on_a_date_and_every_two_weeks_on_two_days() -> None:
    first = datetime(2027, 1, 15, 18, 0, tzinfo=BERLIN)  # a Friday
    monthly = series.to_rrule(Repeat(RepeatKind.MONTHLY_DATE), first, BERLIN)
    assert monthly == "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15"
    fortnightly = series.to_rrule(
        Repeat(RepeatKind.WEEKLY, interval=2, weekdays=("FR", "MO")), first, BERLIN
    )
    assert fortnightly == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"
    starts = series.next_starts(fortnightly, first, BERLIN, first - timedelta(seconds=1), 4)
    assert [s.astimezone(BERLIN).day for s in starts] == [15, 25, 29, 8]


def test_count_and_until_end_the_series() -> None:
    first = datetime(2027, 1, 5, 20, 0, tzinfo=BERLIN)
    counted = series.to_rrule(Repeat(RepeatKind.WEEKLY, count=3), first, BERLIN)
    assert len(series.next_starts(counted, first, BERLIN, first - timedelta(1), 10)) == 3
    until = series.to_rrule(Repeat(RepeatKind.WEEKLY, until=date(2027, 1, 19)), first, BERLIN)
    assert len(series.next_starts(until, first, BERLIN, first - timedelta(1), 10)) == 3


def test_window_is_two_starts_or_fourteen_days_whichever_is_more() -> None:
    first = datetime(2027, 1, 4, 20, 0, tzinfo=BERLIN)  # a Monday
    now = datetime(2027, 1, 1, tzinfo=UTC)
    daily_ish = series.to_rrule(
        Repeat(RepeatKind.WEEKLY, weekdays=("MO", "WE", "FR")), first, BERLIN
    )
    assert len(series.window(daily_ish, first, BERLIN, now)) == 5  # 4 Jan to 13 Jan: five
    monthly = series.to_rrule(Repeat(RepeatKind.MONTHLY_DATE), first, BERLIN)
    assert len(series.window(monthly, first, BERLIN, now)) == 2  # two, though 2 months away


def test_first_start_counts_even_if_the_rule_skips_it() -> None:
    first = datetime(2027, 1, 4, 20, 0, tzinfo=BERLIN)  # Monday, rule says Tuesdays
    starts = series.next_starts("FREQ=WEEKLY;BYDAY=TU", first, BERLIN, first - timedelta(1), 2)
    assert [s.astimezone(BERLIN).day for s in starts] == [4, 5]


def test_split_cuts_the_old_rule_and_counts_down_the_new() -> None:
    first = datetime(2027, 1, 5, 20, 0, tzinfo=BERLIN)
    rule = "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=5"
    split_at = datetime(2027, 1, 19, 20, 0, tzinfo=BERLIN)
    old = series.ended_before(rule, split_at)
    assert "COUNT" not in old
    kept = series.next_starts(old, first, BERLIN, first - timedelta(1), 10)
    assert [s.astimezone(BERLIN).day for s in kept] == [5, 12]
    assert series.remaining_rule(rule, len(kept)).endswith("COUNT=3")


def test_bad_choices_are_all_named() -> None:
    first = datetime(2027, 1, 5, 20, 0, tzinfo=BERLIN)
    with pytest.raises(ValidationError) as caught:
        series.to_rrule(
            Repeat(
                RepeatKind.WEEKLY, interval=0, weekdays=("XX",), count=3, until=date(2027, 2, 1)
            ),
            first,
            BERLIN,
        )
    fields = {field for field, _ in caught.value.problems}
    assert fields == {"recurrence.interval", "recurrence.weekdays", "recurrence.count"}
    with pytest.raises(ValidationError):
        series.check_rrule("FREQ=DAILY", first, BERLIN)
    with pytest.raises(ValidationError):
        series.check_rrule("FREQ=WEEKLY;BYDAY=ZZ", first, BERLIN)
    with pytest.raises(ValidationError):
        series.zone_of("Mars/Olympus")
    assert series.check_rrule("RRULE:FREQ=WEEKLY", first, BERLIN) == "FREQ=WEEKLY"


def test_carry_keeps_the_order_up_to_the_new_cap() -> None:
    assert series.carried_players([3, 1, 3, 2], 2) == [3, 1]


def test_a_start_in_the_spring_gap_is_taken_at_the_shifted_wall_time() -> None:
    # 02:30 does not exist in Berlin on 28 March 2027; zoneinfo reads it with the winter offset.
    first = datetime(2027, 3, 21, 2, 30, tzinfo=BERLIN)  # a Sunday
    starts = series.next_starts("FREQ=WEEKLY", first, BERLIN, first - timedelta(1), 3)
    assert [s.astimezone(BERLIN).strftime("%d %H:%M") for s in starts] == [
        "21 02:30",
        "28 03:30",
        "04 02:30",
    ]


def test_a_split_moved_past_midnight_takes_its_new_weekday_along():
    berlin = ZoneInfo("Europe/Berlin")
    wednesday_late = datetime(2026, 12, 2, 23, 30, tzinfo=berlin)
    rule = series.to_rrule(Repeat(RepeatKind.WEEKLY), wednesday_late, berlin)
    moved = wednesday_late + timedelta(hours=1)  # Thursday 00:30
    days = (moved.date() - wednesday_late.date()).days
    shifted = series.shifted_rule(rule, days)
    starts = series.next_starts(shifted, moved, berlin, moved - timedelta(seconds=1), 3)
    assert [s.astimezone(berlin).weekday() for s in starts] == [3, 3, 3]
    assert starts[1] - starts[0] == timedelta(days=7)


@pytest.mark.parametrize(
    ("rule", "days", "expected"),
    [
        ("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,SU", 1, "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,MO"),
        ("FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR", -1, "FREQ=MONTHLY;INTERVAL=1;BYDAY=-1TH"),
        ("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31", 1, "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1"),
        ("FREQ=WEEKLY;BYDAY=WE;COUNT=3", 0, "FREQ=WEEKLY;BYDAY=WE;COUNT=3"),
    ],
)
def test_shifted_rule_moves_weekdays_and_month_days(rule, days, expected):
    assert series.shifted_rule(rule, days) == expected

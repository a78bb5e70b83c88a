from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.domain.reminders import (
    MAX_OFFSET_MINUTES,
    GameClock,
    ReminderState,
    ReminderStatus,
    SendDecision,
    Step,
    decide_send,
    due_at,
    effective_offsets,
    follow_game,
    is_current,
    is_too_late,
    recipients,
    validate_offsets,
)
from game_scheduler.domain.status import GameStatus
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


START = datetime(2030, 1, 1, 20, 0, tzinfo=UTC)
NOW = START - timedelta(hours=3)
P, SENT, SK, X = (
    ReminderStatus.PENDING,
    ReminderStatus.SENT,
    ReminderStatus.SKIPPED,
    ReminderStatus.CANCELLED,
)


def _clock(status=GameStatus.SCHEDULED, offsets=(60, 15), start=START):
    return GameClock(start, status, frozenset(offsets))


def test_a_new_offset_is_armed_pending_at_its_due_time():
    assert follow_game(None, 60, _clock(), NOW) == Step(P, START - timedelta(minutes=60))


def test_a_new_offset_already_due_is_skipped_with_the_reason():
    step = follow_game(None, 60, _clock(), START - timedelta(minutes=30))
    assert step == Step(SK, START - timedelta(minutes=60), "due before scheduling")


@pytest.mark.parametrize("status", [P, SENT, SK])
def test_an_unchanged_reminder_is_left_alone(status):
    state = ReminderState(status, START - timedelta(minutes=15))
    assert follow_game(state, 15, _clock(), NOW) is None


@pytest.mark.parametrize("status", [P, SENT, SK, X])
def test_a_reschedule_re_arms_the_reminder_at_the_new_time(status):
    later = START + timedelta(hours=1)
    state = ReminderState(status, START - timedelta(minutes=15))
    assert follow_game(state, 15, _clock(start=later), NOW) == Step(
        P, later - timedelta(minutes=15)
    )


def test_an_offset_given_back_revives_its_cancelled_reminder():
    state = ReminderState(X, START - timedelta(minutes=15))
    assert follow_game(state, 15, _clock(), NOW) == Step(P, START - timedelta(minutes=15))


def test_a_removed_offset_cancels_only_a_pending_reminder():
    due = START - timedelta(minutes=30)
    clock = _clock(offsets=(60,))
    assert follow_game(ReminderState(P, due), 30, clock, NOW) == Step(X, due, "offset removed")
    assert follow_game(ReminderState(SENT, due), 30, clock, NOW) is None


def test_cancelling_the_game_cancels_pending_and_keeps_history():
    due = START - timedelta(minutes=15)
    clock = _clock(status=GameStatus.CANCELLED)
    assert follow_game(ReminderState(P, due), 15, clock, NOW) == Step(X, due, "game cancelled")
    assert follow_game(ReminderState(SENT, due), 15, clock, NOW) is None
    assert follow_game(None, 15, clock, NOW) is None


def test_a_started_game_skips_its_pending_reminders():
    due = START - timedelta(minutes=15)
    step = follow_game(ReminderState(P, due), 15, _clock(status=GameStatus.IN_PROGRESS), START)
    assert step == Step(SK, due, "game started before it came due")


def test_send_decisions():
    due = START - timedelta(minutes=15)
    pending = ReminderState(P, due)
    assert decide_send(pending, 15, _clock(), due) is SendDecision.SENT
    assert decide_send(pending, 15, _clock(), due - timedelta(seconds=1)) is SendDecision.NOT_DUE
    assert decide_send(ReminderState(SENT, due), 15, _clock(), due) is SendDecision.NOT_PENDING
    moved = _clock(start=START + timedelta(hours=1))
    assert decide_send(pending, 15, moved, due) is SendDecision.STALE
    cancelled = _clock(status=GameStatus.CANCELLED)
    assert decide_send(pending, 15, cancelled, due) is SendDecision.STALE
    assert decide_send(pending, 15, _clock(), START) is SendDecision.SKIPPED
    started = _clock(status=GameStatus.IN_PROGRESS)
    assert decide_send(pending, 15, started, due) is SendDecision.SKIPPED


def test_a_sent_reminder_is_never_sent_again_until_re_armed():
    due = START - timedelta(minutes=15)
    later = START + timedelta(hours=1)
    step = follow_game(ReminderState(SENT, due), 15, _clock(start=later), NOW)
    assert step is not None
    rearmed = ReminderState(step.status, step.due_at)
    assert decide_send(rearmed, 15, _clock(start=later), step.due_at) is SendDecision.SENT

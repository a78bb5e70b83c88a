"""Three-way RSVP: each answer's move, the roster by status, and who a reminder reaches."""

import pytest

from game_scheduler.domain import dm_rules
from game_scheduler.domain.dm_rules import GameNow, expiry_reason
from game_scheduler.domain.reminders import recipients
from game_scheduler.domain.rsvp import (
    Move,
    Response,
    RsvpStatus,
    move,
    remind_maybe,
    roster,
    status_of,
)
from game_scheduler.domain.status import GameStatus

GOING, MAYBE, DECLINED = Response.GOING, Response.MAYBE, Response.DECLINED


@pytest.mark.parametrize(
    ("current", "answer", "expected"),
    [
        (None, GOING, Move.SIGN_UP),
        (None, MAYBE, Move.SIGN_UP),
        (None, DECLINED, Move.SIGN_UP),
        (GOING, GOING, Move.UNCHANGED),
        (MAYBE, MAYBE, Move.UNCHANGED),
        (DECLINED, DECLINED, Move.UNCHANGED),
        (GOING, MAYBE, Move.GIVE_UP_PLACE),
        (GOING, DECLINED, Move.GIVE_UP_PLACE),
        (MAYBE, GOING, Move.TAKE_PLACE),
        (DECLINED, GOING, Move.TAKE_PLACE),
        (MAYBE, DECLINED, Move.SWITCH),
        (DECLINED, MAYBE, Move.SWITCH),
    ],
)
def test_every_answer_from_every_state_has_one_move(current, answer, expected):
    assert move(current, answer) is expected


def test_seats_go_to_the_first_going_players_only():
    # (name, answer) in signup order: maybe and declined players hold no seat and no place.
    signups = [("a", "maybe"), ("b", "going"), ("c", "declined"), ("d", "going"), ("e", "going")]
    split = roster(signups, 2, lambda p: p[1])
    assert [p[0] for p in split.confirmed] == ["b", "d"]
    assert [p[0] for p in split.waitlist] == ["e"]
    assert [p[0] for p in split.maybe] == ["a"]
    assert [p[0] for p in split.declined] == ["c"]
    assert [p[0] for p in split.going] == ["b", "d", "e"]


@pytest.mark.parametrize(
    ("answer", "rank", "expected"),
    [
        ("going", 0, (RsvpStatus.CONFIRMED, None)),
        ("going", 1, (RsvpStatus.CONFIRMED, None)),
        ("going", 2, (RsvpStatus.WAITLISTED, 1)),
        ("going", 4, (RsvpStatus.WAITLISTED, 3)),
        ("maybe", None, (RsvpStatus.MAYBE, None)),
        ("declined", None, (RsvpStatus.DECLINED, None)),
    ],
)
def test_status_follows_the_answer_and_the_rank_among_going(answer, rank, expected):
    assert status_of(answer, rank, 2) == expected


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ((None, None, None), False),
        ((None, None, True), True),
        ((None, False, True), False),
        ((True, False, None), True),
        ((False, None, True), False),
    ],
)
def test_remind_maybe_is_inherited_game_then_channel_then_server_default_off(levels, expected):
    assert remind_maybe(*levels) is expected


def test_reminders_reach_maybe_players_only_when_the_setting_says_so():
    assert recipients(1, [2, 3], [4]) == [1, 2, 3]
    assert recipients(1, [2, 3], [4], remind_maybe=True) == [1, 2, 3, 4]
    assert recipients(4, [2], [4], remind_maybe=True) == [4, 2]


HOST, SEATED, WAITING, UNSURE = 1, 2, 3, 4


def _game(*, remind: bool) -> GameNow:
    return GameNow(
        status=GameStatus.SCHEDULED,
        starts_at=1_900_000_000,
        host_id=HOST,
        confirmed_ids=frozenset({SEATED}),
        waitlisted_ids=frozenset({WAITING}),
        maybe_ids=frozenset({UNSURE}),
        remind_maybe=remind,
    )


def test_a_reminder_to_a_maybe_player_holds_only_while_the_setting_says_so():
    start = 1_900_000_000
    assert expiry_reason(dm_rules.REMINDER, start, UNSURE, _game(remind=True)) is None
    assert expiry_reason(dm_rules.REMINDER, start, UNSURE, _game(remind=False)) is not None
    assert expiry_reason(dm_rules.REMINDER, start, WAITING, _game(remind=True)) is not None

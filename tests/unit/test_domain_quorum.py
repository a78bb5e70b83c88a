"""The quorum rules: settings inherited, deadline and nudge times, and each step's decision."""

from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.domain.quorum import (
    QuorumAction,
    QuorumRules,
    QuorumState,
    QuorumView,
    Step,
    deadline_at,
    effective_rules,
    label,
    next_step,
    nudge_at,
    players_needed,
    reopens,
    validate_deadline,
    validate_nudge,
)
from game_scheduler.domain.status import GameStatus
from game_scheduler.errors import ValidationError

START = datetime(2026, 12, 24, 20, 0, tzinfo=UTC)
POSTED = START - timedelta(days=7)
RULES = QuorumRules(deadline_minutes=1440, action=QuorumAction.CANCEL, nudge_minutes=360)
DEADLINE = START - timedelta(minutes=1440)
NUDGE = DEADLINE - timedelta(minutes=360)


def view(confirmed: int = 1, min_players: int = 3, **changes: object) -> QuorumView:
    fields: dict[str, object] = {
        "status": GameStatus.SCHEDULED,
        "scheduled_at": START,
        "created_at": POSTED,
        "min_players": min_players,
        "confirmed": confirmed,
        "state": None,
        "nudged": False,
    }
    fields.update(changes)
    return QuorumView(**fields)  # type: ignore[arg-type]


def test_settings_are_inherited_per_field_and_zero_means_no_deadline():
    default = (None, "ask_host", 360)
    assert effective_rules([(None, None, None)] * 3, default) == QuorumRules(
        None, QuorumAction.ASK_HOST, 360
    )
    rules = effective_rules([(None, None, None), (1440, None, 60), (30, "cancel", 10)], default)
    assert rules == QuorumRules(1440, QuorumAction.CANCEL, 60)
    assert effective_rules([(0, None, None), (1440, None, None)], default).deadline_minutes is None


def test_deadline_and_nudge_times():
    assert deadline_at(START, RULES) == DEADLINE
    assert nudge_at(START, RULES) == NUDGE
    assert nudge_at(START, QuorumRules(1440, QuorumAction.CANCEL, 0)) is None
    assert deadline_at(START, QuorumRules(None, QuorumAction.CANCEL, 360)) is None


@pytest.mark.parametrize(
    ("now", "game", "rules", "expected"),
    [
        (NUDGE - timedelta(seconds=1), view(), RULES, Step.WAIT),
        (NUDGE, view(), RULES, Step.NUDGE),
        (NUDGE, view(nudged=True), RULES, Step.WAIT),
        (NUDGE, view(confirmed=3), RULES, Step.WAIT),
        (DEADLINE, view(confirmed=3), RULES, Step.MARK_ON),
        (DEADLINE, view(confirmed=4), RULES, Step.MARK_ON),
        (DEADLINE, view(confirmed=2), RULES, Step.CANCEL),
        (DEADLINE, view(), QuorumRules(1440, QuorumAction.ASK_HOST, 360), Step.ASK_HOST),
        (DEADLINE, view(state=QuorumState.ON), RULES, Step.WAIT),
        (DEADLINE, view(status=GameStatus.CANCELLED), RULES, Step.WAIT),
        (START, view(), RULES, Step.WAIT),
        (DEADLINE, view(), QuorumRules(None, QuorumAction.CANCEL, 360), Step.WAIT),
        (DEADLINE, view(created_at=DEADLINE + timedelta(minutes=1)), RULES, Step.WAIVE),
        (START - timedelta(minutes=5), view(created_at=DEADLINE), RULES, Step.WAIVE),
    ],
)
def test_next_step(now, game, rules, expected):
    assert next_step(game, rules, now) is expected


def test_players_needed_and_label():
    assert players_needed(4, 2) == 2
    assert players_needed(2, 5) == 0
    assert label(None, 4, 2) == "needs 2 more"
    assert label(None, 2, 2) == "enough players"
    assert label(QuorumState.ON, 4, 4) == "on"
    assert label(QuorumState.KEPT, 4, 1) == "on"


@pytest.mark.parametrize("bad", [-1, 4 * 7 * 24 * 60 + 1, True, 1.5])
def test_bad_deadlines_are_refused(bad):
    with pytest.raises(ValidationError):
        validate_deadline(bad)


def test_nudge_lead_bounds():
    assert validate_nudge(0) == 0
    with pytest.raises(ValidationError):
        validate_nudge(-5)


@pytest.mark.parametrize(
    ("state", "nudged", "deadline", "expected"),
    [
        (QuorumState.ON, False, DEADLINE + timedelta(days=7), True),  # moved a week on
        (QuorumState.ASKED, False, DEADLINE + timedelta(days=7), True),
        (QuorumState.KEPT, False, DEADLINE + timedelta(days=7), True),
        (QuorumState.WAIVED, False, DEADLINE + timedelta(days=7), True),
        (None, True, DEADLINE + timedelta(days=7), True),  # the nudge was for the old date
        (None, False, DEADLINE + timedelta(days=7), False),  # nothing decided: nothing to undo
        (QuorumState.ON, False, DEADLINE - timedelta(hours=1), False),  # new deadline past too
        (QuorumState.ON, False, None, False),  # no deadline any more
        (QuorumState.CANCELLED, False, DEADLINE + timedelta(days=7), False),
    ],
)
def test_a_move_reopens_the_quorum_only_while_the_new_deadline_is_ahead(
    state, nudged, deadline, expected
):
    assert reopens(state, nudged, deadline, now=DEADLINE + timedelta(minutes=1)) is expected

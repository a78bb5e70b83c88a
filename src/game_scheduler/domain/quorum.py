"""Quorum: whether a game has its minimum of confirmed players by its deadline, and what then.

A game may set a deadline (minutes before its start). Some hours before it, while short, the
server is nudged once ("2 more players needed"); at the deadline the game is either marked
``on`` (enough confirmed players, who are told) or, per the ``quorum_action`` setting,
cancelled ("not enough players") or left to the host (a DM with Cancel / Keep)::

    (none) --deadline, confirmed >= min--------------------> on
    (none) --deadline, short, action cancel----------------> cancelled (game cancelled)
    (none) --deadline, short, action ask_host--------------> asked
    asked  --host keeps / host cancels---------------------> kept / (game cancelled)
    (none) --posted after its deadline---------------------> waived (never checked)
    any but cancelled --start or deadline moved, new deadline ahead--> (none), nudge forgotten
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from game_scheduler.domain.status import GameStatus
from game_scheduler.errors import ValidationError

MAX_DEADLINE_MINUTES = 4 * 7 * 24 * 60
MAX_NUDGE_MINUTES = 7 * 24 * 60


class QuorumAction(enum.StrEnum):
    """What happens to a short game at its deadline."""

    CANCEL = "cancel"
    ASK_HOST = "ask_host"


class QuorumState(enum.StrEnum):
    """A game's quorum outcome, stored in ``game.quorum_state`` (NULL: not decided yet)."""

    ON = "on"
    ASKED = "asked"
    KEPT = "kept"
    CANCELLED = "cancelled"
    WAIVED = "waived"


class Step(enum.StrEnum):
    """What the scheduler does for one game now."""

    WAIT = "wait"
    NUDGE = "nudge"
    MARK_ON = "mark_on"
    CANCEL = "cancel"
    ASK_HOST = "ask_host"
    WAIVE = "waive"


@dataclass(frozen=True)
class QuorumRules:
    """The settings in force for a game: deadline (None: no check), action and nudge lead."""

    deadline_minutes: int | None
    action: QuorumAction
    nudge_minutes: int


@dataclass(frozen=True)
class QuorumView:
    """What the decision depends on, read under the game's lock."""

    status: GameStatus
    scheduled_at: datetime
    created_at: datetime
    min_players: int
    confirmed: int
    state: str | None
    nudged: bool


def validate_deadline(value: int, field: str = "quorum_deadline_minutes") -> int:
    """0 (no deadline) up to four weeks, in whole minutes."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            "the quorum deadline must be 0 or a positive number of minutes", field
        )
    if value > MAX_DEADLINE_MINUTES:
        raise ValidationError(
            f"the quorum deadline is more than 4 weeks ({MAX_DEADLINE_MINUTES} minutes)", field
        )
    return value


def validate_nudge(value: int, field: str = "quorum_nudge_minutes") -> int:
    """0 (no nudge) up to a week before the deadline."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError("the nudge lead must be 0 or a positive number of minutes", field)
    if value > MAX_NUDGE_MINUTES:
        raise ValidationError(
            f"the nudge lead is more than a week ({MAX_NUDGE_MINUTES} minutes)", field
        )
    return value


def effective_rules(
    levels: list[tuple[int | None, str | None, int | None]],
    default: tuple[int | None, str, int],
) -> QuorumRules:
    """Per field, the first level that sets it wins (game, channel, server), then the default.

    A deadline of 0 at a level is a choice (no check), not "unset".
    """

    def first(index: int) -> object:
        return next((lvl[index] for lvl in levels if lvl[index] is not None), default[index])

    deadline, action, nudge = first(0), first(1), first(2)
    assert isinstance(nudge, int)
    assert deadline is None or isinstance(deadline, int)
    return QuorumRules(deadline or None, QuorumAction(str(action)), nudge)


def deadline_at(scheduled_at: datetime, rules: QuorumRules) -> datetime | None:
    """When the quorum is checked; None when the game has no deadline."""
    if rules.deadline_minutes is None:
        return None
    return scheduled_at - timedelta(minutes=rules.deadline_minutes)


def nudge_at(scheduled_at: datetime, rules: QuorumRules) -> datetime | None:
    """When a short game's server is nudged; None without a deadline or a nudge lead."""
    deadline = deadline_at(scheduled_at, rules)
    if deadline is None or rules.nudge_minutes <= 0:
        return None
    return deadline - timedelta(minutes=rules.nudge_minutes)


def players_needed(min_players: int, confirmed: int) -> int:
    """How many more confirmed players the game needs (0 when it has its minimum)."""
    return max(0, min_players - confirmed)


def next_step(game: QuorumView, rules: QuorumRules, now: datetime) -> Step:
    """The one thing to do for this game now; WAIT when nothing is due (or all is decided)."""
    deadline = deadline_at(game.scheduled_at, rules)
    if deadline is None or game.state is not None or game.status is not GameStatus.SCHEDULED:
        return Step.WAIT
    if now >= game.scheduled_at:
        return Step.WAIT  # started: the status update takes it from here
    if game.created_at >= deadline:
        return Step.WAIVE  # posted after its deadline: nobody had a chance to fill it
    short = game.confirmed < game.min_players
    if now >= deadline:
        if not short:
            return Step.MARK_ON
        return Step.CANCEL if rules.action is QuorumAction.CANCEL else Step.ASK_HOST
    nudge = nudge_at(game.scheduled_at, rules)
    if short and not game.nudged and nudge is not None and now >= nudge:
        return Step.NUDGE
    return Step.WAIT


def reopens(state: str | None, nudged: bool, deadline: datetime | None, now: datetime) -> bool:
    """After the start or the deadline moved: whether the quorum is to be decided afresh.

    Only while the new deadline is still ahead: the outcome so far (on, asked, kept, waived)
    and the nudge were about the old date, and the check runs again at the new deadline. A
    deadline already past keeps what was decided: a move never cancels a game on the spot.
    """
    if deadline is None or deadline <= now or state == QuorumState.CANCELLED:
        return False
    return state is not None or nudged


def label(state: str | None, min_players: int, confirmed: int) -> str:
    """What the embed and the web page show about the quorum."""
    needed = players_needed(min_players, confirmed)
    if state in (QuorumState.ON, QuorumState.KEPT):
        return "on"
    if state == QuorumState.CANCELLED:
        return "cancelled: not enough players"
    if needed == 0:
        return "enough players"
    return f"needs {needed} more"

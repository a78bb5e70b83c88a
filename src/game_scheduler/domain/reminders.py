"""A reminder's life: which offsets apply, when each is due, and every move of its status.

A reminder row belongs to an *audience*: everyone following the game's offsets (``None``), or
one user with personal offsets, who then gets only their own (:func:`audience_offsets`,
:func:`recipients`). Each row follows the same state machine.

The one home of the reminder state machine; every writer (game and settings services, the
scheduler's send) asks :func:`follow_game` or :func:`decide_send` and applies the answer::

    (none) --game posted / offset added-----------------> pending   (skipped if already due)
    pending --send at due time, game scheduled----------> sent
    pending --due after the start / game started--------> skipped
    pending --game cancelled / offset removed-----------> cancelled
    sent | skipped | cancelled --game moved / offset back--> pending (re-armed at the new time)
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from game_scheduler.domain.status import GameStatus
from game_scheduler.errors import ValidationError


class ReminderStatus(enum.StrEnum):
    """pending until sent; cancelled with its game or offset; skipped when it came due too late."""

    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


H = TypeVar("H", bound=Hashable)

MAX_OFFSETS = 10
MAX_OFFSET_MINUTES = 4 * 7 * 24 * 60


def validate_offsets(offsets: Iterable[int], field: str = "reminder_offsets") -> list[int]:
    """Check offsets (minutes before start) and return them distinct, largest first."""
    values = list(offsets)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(
                f"reminder offset {value!r} is not a whole number of minutes", field
            )
        if value <= 0:
            raise ValidationError(f"reminder offset {value} must be positive", field)
        if value > MAX_OFFSET_MINUTES:
            raise ValidationError(
                f"reminder offset {value} is more than 4 weeks ({MAX_OFFSET_MINUTES} minutes)",
                field,
            )
    distinct = sorted(set(values), reverse=True)
    if len(distinct) > MAX_OFFSETS:
        raise ValidationError(f"at most {MAX_OFFSETS} reminder offsets are allowed", field)
    return distinct


def effective_offsets(
    game: Sequence[int] | None,
    channel: Sequence[int] | None,
    guild: Sequence[int] | None,
    default: Sequence[int],
) -> list[int]:
    """The first level that sets offsets wins: game, then channel, then server, then default.

    An empty list at a level is a choice (no reminders), not "unset".
    """
    for level in (game, channel, guild):
        if level is not None:
            return sorted(set(level), reverse=True)
    return sorted(set(default), reverse=True)


def due_at(scheduled_at: datetime, offset_minutes: int) -> datetime:
    """When the reminder ``offset_minutes`` before the start comes due."""
    return scheduled_at - timedelta(minutes=offset_minutes)


def is_too_late(now: datetime, scheduled_at: datetime) -> bool:
    """A reminder that comes due after its game started is skipped, never sent."""
    return now >= scheduled_at


def is_current(reminder_due_at: datetime, scheduled_at: datetime, offset_minutes: int) -> bool:
    """Whether a reminder still matches its game's time (not moved by a reschedule since)."""
    return reminder_due_at == due_at(scheduled_at, offset_minutes)


def recipients(
    host: H,
    confirmed: Iterable[H],
    maybe: Iterable[H] = (),
    *,
    remind_maybe: bool = False,
    audience: H | None = None,
    personal: Collection[H] = (),
) -> list[H]:
    """Who a reminder goes to: the host, then each confirmed player, then the players who
    answered maybe when the setting says so (``domain.rsvp.remind_maybe``); everyone once.
    Never the waitlist, never those who answered they can't come.

    A game-wide reminder (``audience`` None) skips those with ``personal`` offsets; a personal
    one goes to its user alone, while they are among those reminded.
    """
    everyone = list(dict.fromkeys([host, *confirmed, *(maybe if remind_maybe else ())]))
    if audience is not None:
        return [audience] if audience in everyone else []
    return [p for p in everyone if p not in personal]


def audience_offsets(
    game_offsets: Sequence[int], personal: Mapping[H, Sequence[int]]
) -> dict[H | None, list[int]]:
    """The offsets each audience is reminded at: None for the game's, each user their own."""
    plan: dict[H | None, list[int]] = {None: sorted(set(game_offsets), reverse=True)}
    for user, offsets in personal.items():
        plan[user] = sorted(set(offsets), reverse=True)
    return plan


@dataclass(frozen=True)
class ReminderState:
    """What a stored reminder row is now."""

    status: ReminderStatus
    due_at: datetime


@dataclass(frozen=True)
class GameClock:
    """What a reminder's fate depends on: the game's start, status and offsets in force."""

    scheduled_at: datetime
    status: GameStatus
    offsets: Collection[int]


@dataclass(frozen=True)
class Step:
    """A reminder's next state; ``reason`` (for ``last_error``) says why it will not be sent."""

    status: ReminderStatus
    due_at: datetime
    reason: str | None = None


class SendDecision(enum.StrEnum):
    """What the send does with a claimed reminder; only SENT and SKIPPED change the row."""

    SENT = "sent"
    SKIPPED = "skipped"
    NOT_DUE = "not_due"
    NOT_PENDING = "not_pending"
    STALE = "stale"


def follow_game(
    current: ReminderState | None, offset_minutes: int, game: GameClock, now: datetime
) -> Step | None:
    """Where the reminder for ``offset_minutes`` goes after its game changed; None: leave it.

    A reminder whose due time has already passed when it is (re)scheduled is skipped: telling
    players "starts in 60 minutes" ten minutes before the start would be wrong.
    """
    wanted = offset_minutes in game.offsets
    if game.status is not GameStatus.SCHEDULED or not wanted:
        if current is None or current.status is not ReminderStatus.PENDING:
            return None
        if game.status is GameStatus.CANCELLED:
            return Step(ReminderStatus.CANCELLED, current.due_at, "game cancelled")
        if not wanted:
            return Step(ReminderStatus.CANCELLED, current.due_at, "offset removed")
        return Step(ReminderStatus.SKIPPED, current.due_at, "game started before it came due")
    due = due_at(game.scheduled_at, offset_minutes)
    if (
        current is not None
        and current.due_at == due
        and current.status is not ReminderStatus.CANCELLED
    ):
        return None
    if due <= now:
        return Step(ReminderStatus.SKIPPED, due, "due before scheduling")
    return Step(ReminderStatus.PENDING, due)


def decide_send(
    current: ReminderState, offset_minutes: int, game: GameClock, now: datetime
) -> SendDecision:
    """Send only a pending reminder that still matches its game, is due, and is not too late."""
    if current.status is not ReminderStatus.PENDING:
        return SendDecision.NOT_PENDING
    if game.status is GameStatus.CANCELLED or not is_current(
        current.due_at, game.scheduled_at, offset_minutes
    ):
        return SendDecision.STALE
    if now < current.due_at:
        return SendDecision.NOT_DUE
    if game.status is not GameStatus.SCHEDULED or is_too_late(now, game.scheduled_at):
        return SendDecision.SKIPPED
    return SendDecision.SENT

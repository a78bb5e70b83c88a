"""Which reminder offsets apply to a game, and when each is due."""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

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


def recipients(host: H, confirmed: Iterable[H]) -> list[H]:
    """Who a reminder goes to: the host, then each confirmed player, everyone once."""
    return list(dict.fromkeys([host, *confirmed]))

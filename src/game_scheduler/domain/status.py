"""The game lifecycle: SCHEDULED → IN_PROGRESS → COMPLETED, or CANCELLED before completion."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from game_scheduler.errors import InvalidTransition


class GameStatus(enum.StrEnum):
    """Where a game is in its life; COMPLETED and CANCELLED are final."""

    SCHEDULED = "SCHEDULED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


ALLOWED: dict[GameStatus, frozenset[GameStatus]] = {
    GameStatus.SCHEDULED: frozenset({GameStatus.IN_PROGRESS, GameStatus.CANCELLED}),
    GameStatus.IN_PROGRESS: frozenset({GameStatus.COMPLETED, GameStatus.CANCELLED}),
    GameStatus.COMPLETED: frozenset(),
    GameStatus.CANCELLED: frozenset(),
}

FINAL = frozenset({GameStatus.COMPLETED, GameStatus.CANCELLED})


def can_transition(current: GameStatus, target: GameStatus) -> bool:
    """Whether the lifecycle allows moving from ``current`` to ``target``."""
    return target in ALLOWED[current]


def check_transition(current: GameStatus, target: GameStatus) -> None:
    """Raise :class:`InvalidTransition` with a readable message when the move is not allowed."""
    if not can_transition(current, target):
        raise InvalidTransition(
            f"a {current.value.lower()} game cannot become {target.value.lower()}"
        )


def is_open_for_signup(status: GameStatus) -> bool:
    """Players join or leave only before the game starts."""
    return status is GameStatus.SCHEDULED


def ends_at(scheduled_at: datetime, duration_minutes: int) -> datetime:
    """When a game in progress counts as completed."""
    return scheduled_at + timedelta(minutes=duration_minutes)

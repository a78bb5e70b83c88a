"""Whether a queued direct message still holds when the bot is about to send it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from game_scheduler.domain import reminders
from game_scheduler.domain.notices import DmKind
from game_scheduler.domain.status import GameStatus

REMINDER = DmKind.REMINDER
WAITLIST_PROMOTION = DmKind.WAITLIST_PROMOTION
DEMOTED = DmKind.DEMOTED
CANCELLATION = DmKind.CANCELLATION
RESCHEDULED = DmKind.RESCHEDULED
REMOVED = DmKind.REMOVED

# Per-user limit on DMs about one game (issue 12): reminders and the one cancellation are exempt.
RATE_LIMIT_EXEMPT = frozenset({REMINDER, CANCELLATION})
RATE_LIMIT_COUNT = 3
RATE_LIMIT_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class GameNow:
    """What the rules need of the game as it is when the DM is about to go out."""

    status: GameStatus
    starts_at: int  # Unix seconds, as the DM carries it
    host_id: int
    confirmed_ids: frozenset[int]
    waitlisted_ids: frozenset[int]
    maybe_ids: frozenset[int] = frozenset()
    remind_maybe: bool = False

    @property
    def reminded_ids(self) -> frozenset[int]:
        """Who a reminder may reach now (the rule of ``domain.reminders.recipients``)."""
        return frozenset(
            reminders.recipients(
                self.host_id, self.confirmed_ids, self.maybe_ids, remind_maybe=self.remind_maybe
            )
        )

    @property
    def player_ids(self) -> frozenset[int]:
        return self.confirmed_ids | self.waitlisted_ids


def expiry_reason(kind: str, starts_at: int, recipient_id: int, game: GameNow | None) -> str | None:
    """None when the DM still holds; otherwise why sending it now would be wrong or stale."""
    if game is None:
        return "the game no longer exists"
    if kind == CANCELLATION:
        return None if game.status is GameStatus.CANCELLED else "the game is not cancelled"
    if game.status is not GameStatus.SCHEDULED:
        return f"the game is {game.status.value.lower().replace('_', ' ')}"
    moved = starts_at != game.starts_at
    if kind == REMINDER:
        if moved:
            return "the game was rescheduled since"
        if recipient_id not in game.reminded_ids:
            return "the recipient is no longer a confirmed player"
    elif kind == RESCHEDULED:
        if moved:
            return "the game was rescheduled again since"
        if recipient_id != game.host_id and recipient_id not in game.player_ids:
            return "the recipient left the game"
    elif kind == WAITLIST_PROMOTION:
        if recipient_id not in game.confirmed_ids:
            return "the recipient is no longer a confirmed player"
    elif kind == DEMOTED:
        if recipient_id not in game.waitlisted_ids:
            return "the recipient is no longer on the waitlist"
    elif kind == REMOVED and recipient_id in game.player_ids:
        return "the recipient re-joined the game since"
    return None


def is_rate_limited(kind: str, recent_sends: list[datetime], now: datetime) -> bool:
    """Whether one more DM about a game to a user would exceed the per-hour allowance."""
    if kind in RATE_LIMIT_EXEMPT:
        return False
    since = now - RATE_LIMIT_WINDOW
    return sum(1 for sent in recent_sends if sent > since) >= RATE_LIMIT_COUNT

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
ATTENDANCE = DmKind.ATTENDANCE
CARRIED_OVER = DmKind.CARRIED_OVER
SEAT_OFFER = DmKind.SEAT_OFFER
RECONFIRM = DmKind.RECONFIRM
OFFER_LAPSED = DmKind.OFFER_LAPSED
SEAT_SUMMARY = DmKind.SEAT_SUMMARY
QUORUM_ON = DmKind.QUORUM_ON
QUORUM_CANCELLED = DmKind.QUORUM_CANCELLED
QUORUM_ASK_HOST = DmKind.QUORUM_ASK_HOST

# Per-user limit on DMs about one game (issue 12): reminders, cancellations and the one
# attendance prompt are exempt; so are the DMs that ask for an answer (offers, re-confirmation,
# the host's quorum question).
RATE_LIMIT_EXEMPT = frozenset(
    {REMINDER, CANCELLATION, ATTENDANCE, SEAT_OFFER, RECONFIRM, QUORUM_CANCELLED, QUORUM_ASK_HOST}
)
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
    open_offer_ids: frozenset[int] = frozenset()  # read only for DMs that carry an offer
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


def expiry_reason(
    kind: str, starts_at: int, recipient_id: int, game: GameNow | None, offer_id: int | None = None
) -> str | None:
    """None when the DM still holds; otherwise why sending it now would be wrong or stale."""
    if game is None:
        return "the game no longer exists"
    if kind in (CANCELLATION, QUORUM_CANCELLED):
        return None if game.status is GameStatus.CANCELLED else "the game is not cancelled"
    if kind == ATTENDANCE:
        if game.status is not GameStatus.COMPLETED:
            return "the game is not completed"
        return None if recipient_id == game.host_id else "the recipient no longer hosts the game"
    if game.status is not GameStatus.SCHEDULED:
        return f"the game is {game.status.value.lower().replace('_', ' ')}"
    if kind in (SEAT_OFFER, RECONFIRM):
        return None if offer_id in game.open_offer_ids else "the offer is no longer open"
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
    elif kind in (WAITLIST_PROMOTION, CARRIED_OVER):
        if recipient_id not in game.confirmed_ids:
            return "the recipient is no longer a confirmed player"
    elif kind == DEMOTED:
        if recipient_id not in game.waitlisted_ids:
            return "the recipient is no longer on the waitlist"
    elif kind == QUORUM_ON:
        if recipient_id != game.host_id and recipient_id not in game.confirmed_ids:
            return "the recipient is no longer a confirmed player"
    elif kind == QUORUM_ASK_HOST and recipient_id != game.host_id:
        return "the recipient no longer hosts the game"
    elif kind in (REMOVED, OFFER_LAPSED) and recipient_id in game.player_ids:
        return "the recipient re-joined the game since"
    return None


def is_rate_limited(kind: str, recent_sends: list[datetime], now: datetime) -> bool:
    """Whether one more DM about a game to a user would exceed the per-hour allowance."""
    if kind in RATE_LIMIT_EXEMPT:
        return False
    since = now - RATE_LIMIT_WINDOW
    return sum(1 for sent in recent_sends if sent > since) >= RATE_LIMIT_COUNT

"""Seat offers and re-confirmations: how long a player has to answer, and what each answer does.

A seat offer asks a waitlisted player who entered the cap "do you still want the seat?"; a
re-confirmation asks a confirmed player "do you still come?" after the host moved the game.
Either way the player holds the seat while the question is open (it counts as taken).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from game_scheduler.errors import ValidationError

# An answer window is never shorter than this, even when the game starts very soon.
WINDOW_FLOOR = timedelta(minutes=1)
DEFAULT_OFFER_WINDOW_MINUTES = 30
WINDOW_MINUTES_MAX = 7 * 24 * 60


class SeatMode(enum.StrEnum):
    """How a freed seat is filled: offered with a claim window, or given at once (the default)."""

    OFFER = "offer"
    INSTANT = "instant"


class OfferKind(enum.StrEnum):
    """What the open question is: a freed seat, or a confirmed seat after a reschedule."""

    SEAT = "seat"
    RECONFIRM = "reconfirm"


class Outcome(enum.StrEnum):
    """How an offer ended."""

    ACCEPTED = "accepted"  # seat offer accepted / re-confirmation kept
    DECLINED = "declined"  # Pass / Can't
    EXPIRED = "expired"  # no answer within the window
    WITHDRAWN = "withdrawn"  # the player left or the game is no longer scheduled


def answer_window(window_minutes: int, now: datetime, starts_at: datetime) -> timedelta:
    """The window, shortened to half the time left before the start, but never below the floor.

    Half, so that a player who lets the offer lapse still leaves the next one time to answer.
    """
    window = timedelta(minutes=window_minutes)
    return max(min(window, (starts_at - now) / 2), WINDOW_FLOOR)


def keeps_seat(kind: OfferKind, outcome: Outcome, *, silence_frees_seat: bool) -> bool:
    """Whether the player keeps the seat after the offer ends this way.

    Declining always frees it. Silence frees an offered seat (so the next player gets a turn),
    and a re-confirmed seat only when the setting says so: by default a player who does not
    answer the re-confirmation keeps the seat they had.
    """
    if outcome is Outcome.ACCEPTED:
        return True
    if outcome is Outcome.EXPIRED and kind is OfferKind.RECONFIRM:
        return not silence_frees_seat
    return False


def check_window_minutes(value: int, field: str = "offer_window_minutes") -> int:
    """A window from 1 minute to a week."""
    if not 1 <= value <= WINDOW_MINUTES_MAX:
        raise ValidationError(f"must be between 1 and {WINDOW_MINUTES_MAX} minutes", field)
    return value


SEAT_SETTINGS = frozenset({"seat_mode", "offer_window_minutes", "reconfirm_frees_seat"})


def check_seat_setting(field: str, value: object) -> object:
    """One seat setting as given (None: inherit); raises ValidationError naming the field."""
    if value is None:
        return None
    if field == "seat_mode":
        if value not in {m.value for m in SeatMode}:
            raise ValidationError("must be 'offer' or 'instant'", field)
        return str(value)
    if field == "offer_window_minutes":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError("must be a whole number of minutes", field)
        return check_window_minutes(value, field)
    if not isinstance(value, bool):
        raise ValidationError("must be true or false", field)
    return value

"""Three-way RSVP: a player's answer (going, maybe, can't) and the status it gives them.

A signup row keeps the player's answer. Only *going* players take part in the seat rule of
:mod:`game_scheduler.domain.waitlist`: the first ``max_players`` of them by position are
confirmed, the rest wait. ``maybe`` and ``declined`` hold no seat and no waitlist place::

    (none)   --Join-------> going     (a seat, or the end of the waitlist)
    (none)   --Maybe/Can't-> maybe / declined
    going    --Maybe/Can't-> maybe / declined   frees a seat: promotes like a leave
    maybe    --Join-------> going     goes to the end of the line, like a new signup
    declined --Join-------> going     idem
    maybe   <--Maybe/Can't-> declined  no seat changes
    any      --same answer-> unchanged
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from game_scheduler.domain import waitlist

T = TypeVar("T")


class Response(enum.StrEnum):
    """What a player answered."""

    GOING = "going"
    MAYBE = "maybe"
    DECLINED = "declined"


class RsvpStatus(enum.StrEnum):
    """Where a player stands: the answer, with going split by the cap."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    MAYBE = "maybe"
    DECLINED = "declined"


class Move(enum.StrEnum):
    """What an answer does to the roster."""

    SIGN_UP = "sign_up"  # a new row with the answer (going: at the end of the line)
    TAKE_PLACE = "take_place"  # maybe/declined -> going: a new place at the end of the line
    GIVE_UP_PLACE = "give_up_place"  # going -> maybe/declined: frees a seat, like a leave
    SWITCH = "switch"  # maybe <-> declined: nobody's seat changes
    UNCHANGED = "unchanged"


def move(current: Response | None, answer: Response) -> Move:
    """The roster move from the player's current answer (None: not signed up) to ``answer``."""
    if current is None:
        return Move.SIGN_UP
    if current is answer:
        return Move.UNCHANGED
    if answer is Response.GOING:
        return Move.TAKE_PLACE
    if current is Response.GOING:
        return Move.GIVE_UP_PLACE
    return Move.SWITCH


@dataclass(frozen=True)
class Roster(Generic[T]):
    """A game's signups by status, each list in signup order."""

    confirmed: list[T]
    waitlist: list[T]
    maybe: list[T]
    declined: list[T]

    @property
    def going(self) -> list[T]:
        """Confirmed then waitlisted: the line the seat rule runs over."""
        return self.confirmed + self.waitlist


def roster(ordered: Sequence[T], max_players: int, response: Callable[[T], str]) -> Roster[T]:
    """Split signups already sorted by position; seats go to the first going players only."""
    going = [p for p in ordered if response(p) == Response.GOING]
    lineup = waitlist.split(going, max_players)
    return Roster(
        confirmed=lineup.confirmed,
        waitlist=lineup.waitlist,
        maybe=[p for p in ordered if response(p) == Response.MAYBE],
        declined=[p for p in ordered if response(p) == Response.DECLINED],
    )


def going(ordered: Sequence[T], response: Callable[[T], str]) -> list[T]:
    """The going players in signup order (the line for seats and the waitlist)."""
    return [p for p in ordered if response(p) == Response.GOING]


def status_of(
    answer: str, going_rank: int | None, max_players: int
) -> tuple[RsvpStatus, int | None]:
    """A player's status and waitlist place from their answer and 0-based rank among going."""
    if answer == Response.MAYBE:
        return RsvpStatus.MAYBE, None
    if answer == Response.DECLINED:
        return RsvpStatus.DECLINED, None
    rank = going_rank or 0
    place = waitlist.waitlist_position(rank, max_players)
    return (RsvpStatus.WAITLISTED, place) if place else (RsvpStatus.CONFIRMED, None)


def remind_maybe(game: bool | None, channel: bool | None, guild: bool | None) -> bool:
    """Whether ``maybe`` players get reminders: the first level that says wins; default no."""
    for level in (game, channel, guild):
        if level is not None:
            return level
    return False

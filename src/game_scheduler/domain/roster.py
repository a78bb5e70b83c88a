"""A host moving a player between a seat and the waitlist: the new signup order, no I/O.

The first ``max_players`` in signup order hold seats (``domain/waitlist.py``); a move only
reorders. Into a seat: the player takes the last seat and whoever held it becomes first on the
waitlist. To the waitlist: the player becomes first on the waitlist and the first waiting player
takes the freed seat.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from game_scheduler.errors import ValidationError

T = TypeVar("T")

SEAT = "seat"
WAITLIST = "waitlist"
DESTINATIONS = (SEAT, WAITLIST)


def moved(ordered: Sequence[T], max_players: int, who: T, to: str) -> list[T]:
    """The signup order after moving ``who``; ValidationError (field ``to``) when it cannot be."""
    if to not in DESTINATIONS:
        raise ValidationError("to must be 'seat' or 'waitlist'", "to")
    rank = list(ordered).index(who)
    others = [p for p in ordered if p is not who]
    if to == SEAT:
        if rank < max_players:
            raise ValidationError("this player already has a seat", "to")
        return [*others[: max_players - 1], who, *others[max_players - 1 :]]
    if rank >= max_players:
        raise ValidationError("this player is already on the waitlist", "to")
    if len(others) < max_players:
        raise ValidationError("every player has a seat: there is nobody to give this seat to", "to")
    return [*others[:max_players], who, *others[max_players:]]

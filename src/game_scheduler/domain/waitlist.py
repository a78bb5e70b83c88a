"""Who is confirmed and who waits: the first ``max_players`` by position are confirmed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Lineup(Generic[T]):
    """A game's players split by the cap, each list in signup order."""

    confirmed: list[T]
    waitlist: list[T]


def split(ordered: Sequence[T], max_players: int) -> Lineup[T]:
    """Split players already sorted by position into confirmed and waitlisted."""
    return Lineup(confirmed=list(ordered[:max_players]), waitlist=list(ordered[max_players:]))


def is_confirmed(rank: int, max_players: int) -> bool:
    """Whether the player at 0-based ``rank`` in signup order holds a seat."""
    return rank < max_players


def waitlist_position(rank: int, max_players: int) -> int | None:
    """1-based place on the waitlist for the player at 0-based ``rank``; None when confirmed."""
    return None if rank < max_players else rank - max_players + 1


def promoted_by_leave(ordered: Sequence[T], max_players: int, leaving: T) -> list[T]:
    """Who gains a seat when ``leaving`` drops out: the first waitlisted, if a seat was freed."""
    if leaving not in ordered:
        return []
    if ordered.index(leaving) >= max_players:
        return []
    return list(ordered[max_players : max_players + 1])


def promoted_by_cap_change(ordered: Sequence[T], old_max: int, new_max: int) -> list[T]:
    """Who gains a seat when the cap is raised (nobody when it is lowered)."""
    if new_max <= old_max:
        return []
    return list(ordered[old_max:new_max])


def demoted_by_cap_change(ordered: Sequence[T], old_max: int, new_max: int) -> list[T]:
    """Who loses a seat when the cap is lowered: the last confirmed, back to the waitlist."""
    if new_max >= old_max:
        return []
    return list(ordered[new_max:old_max])


def next_position(positions: Sequence[int]) -> int:
    """Position for a new signup: after everyone already there (gaps from leavers are fine)."""
    return max(positions, default=0) + 1

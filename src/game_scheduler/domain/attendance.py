"""Attendance after a game: who may be marked, and the stats that follow from the marks."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from game_scheduler.domain.status import GameStatus
from game_scheduler.errors import ValidationError

TOP_PLAYERS = 5


class Mark(enum.StrEnum):
    """What the host records for a confirmed player of a completed game."""

    ATTENDED = "attended"
    NO_SHOW = "no_show"


def check_markable(status: GameStatus) -> None:
    """Attendance is marked once a game has completed (a cancelled game had none)."""
    if status is not GameStatus.COMPLETED:
        raise ValidationError(
            f"attendance is marked after a game completes; this one is {status.value.lower()}",
            "status",
        )


def check_marks(marks: Mapping[int, str], confirmed_ids: Iterable[int]) -> dict[int, Mark]:
    """Marks for confirmed players only, each ``attended`` or ``no_show``; all problems at once."""
    seated = set(confirmed_ids)
    problems: list[tuple[str | None, str]] = []
    checked: dict[int, Mark] = {}
    for user_id, value in marks.items():
        if user_id not in seated:
            problems.append((f"marks.{user_id}", f"user {user_id} was not a confirmed player"))
        elif value not in {m.value for m in Mark}:
            problems.append((f"marks.{user_id}", 'must be "attended" or "no_show"'))
        else:
            checked[user_id] = Mark(value)
    if problems:
        raise ValidationError.of(problems)
    return checked


Seat = tuple[int, int, str | None]
"""A seat in a completed game: (game id, user id, the host's mark or None when unmarked)."""


@dataclass(frozen=True)
class PlayerStats:
    """One player's record over completed games where they held a seat."""

    played: int
    no_shows: int
    attended_marked: int


@dataclass(frozen=True)
class TopPlayer:
    """A player among a server's most regular, by games played."""

    user_id: int
    played: int


@dataclass(frozen=True)
class ServerStats:
    """A server's record: games run and cancelled, and how well they were attended."""

    games_completed: int
    games_cancelled: int
    games_marked: int
    no_shows: int
    average_attendance: float | None
    top_players: list[TopPlayer]


def counts_as_played(mark: str | None) -> bool:
    """A seat in a completed game counts as played unless the host marked a no-show."""
    return mark != Mark.NO_SHOW.value


def player_stats(marks: Iterable[str | None]) -> PlayerStats:
    """One player's seats in completed games, each with its mark (None: unmarked)."""
    counts = Counter(marks)
    no_shows = counts[Mark.NO_SHOW.value]
    return PlayerStats(sum(counts.values()) - no_shows, no_shows, counts[Mark.ATTENDED.value])


def server_stats(completed: int, cancelled: int, seats: Iterable[Seat]) -> ServerStats:
    """Aggregate the seats of a server's completed games.

    The average is players who came per completed game (seats minus no-shows, over every
    completed game, empty ones included). Top players are ordered by games played, then by
    user id so ties are stable.
    """
    played: Counter[int] = Counter()
    marked: set[int] = set()
    came = no_shows = 0
    for game_id, user_id, mark in seats:
        if mark is not None:
            marked.add(game_id)
        if counts_as_played(mark):
            came += 1
            played[user_id] += 1
        else:
            no_shows += 1
    top = sorted(played.items(), key=lambda item: (-item[1], item[0]))[:TOP_PLAYERS]
    return ServerStats(
        games_completed=completed,
        games_cancelled=cancelled,
        games_marked=len(marked),
        no_shows=no_shows,
        average_attendance=round(came / completed, 2) if completed else None,
        top_players=[TopPlayer(user_id, count) for user_id, count in top],
    )

"""A loaded game's signups seen through the RSVP rule: who is going, confirmed, maybe or out."""

from __future__ import annotations

from game_scheduler.domain import rsvp
from game_scheduler.models import Game, Participant


def answer(participant: Participant) -> str:
    """The player's RSVP answer (going, maybe or declined); a row not yet flushed is going."""
    return str(participant.response or rsvp.Response.GOING)


def ordered(game: Game) -> list[Participant]:
    """Every signup by position (re-sorted: an answer may have moved one since loading)."""
    return sorted(game.participants, key=lambda p: p.position)


def going(game: Game) -> list[Participant]:
    """The going players in signup order: the line seats and the waitlist are cut from."""
    return rsvp.going(ordered(game), answer)


def roster(game: Game) -> rsvp.Roster[Participant]:
    """Confirmed, waitlisted, maybe and declined players, each in signup order."""
    return rsvp.roster(ordered(game), game.max_players, answer)


def going_rank(game: Game, participant: Participant) -> int | None:
    """The player's 0-based place in the going line; None unless they answered going."""
    line = going(game)
    return line.index(participant) if participant in line else None


def status(game: Game, participant: Participant) -> tuple[rsvp.RsvpStatus, int | None]:
    """The player's status and waitlist place."""
    return rsvp.status_of(answer(participant), going_rank(game, participant), game.max_players)


def find(game: Game, discord_id: int) -> Participant | None:
    """The signup of the Discord user, if any."""
    return next((p for p in game.participants if p.user.discord_id == discord_id), None)


def answered(game: Game) -> list[Participant]:
    """Everyone who might come (going or maybe), in signup order: who hears of a cancellation."""
    return [p for p in ordered(game) if answer(p) != rsvp.Response.DECLINED]

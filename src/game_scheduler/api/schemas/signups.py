"""Signups as the API reads and writes them: answers, host adds and moves, standings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from game_scheduler.api.schemas.games import GameDetailOut, PlayerOut, SignupStatus
from game_scheduler.api.schemas.types import Snowflake
from game_scheduler.domain import rsvp
from game_scheduler.domain.rsvp import Response
from game_scheduler.seats import lineups
from game_scheduler.services.queries import GameDetail
from game_scheduler.services.signups import Standing


class PlayerMove(BaseModel):
    """Where the host moves a player: ``seat`` or ``waitlist``."""

    model_config = ConfigDict(extra="forbid")

    to: Literal["seat", "waitlist"]


class PlayerAdd(BaseModel):
    """A host signing up a member of the game's server (their name comes from Discord)."""

    model_config = ConfigDict(extra="forbid")

    user_id: Snowflake


class SignupsOut(BaseModel):
    """A game's signups with their RSVP status, in signup order, filtered by status if asked."""

    items: list[PlayerOut]

    @classmethod
    def of_detail(cls, detail: GameDetail, wanted: set[str]) -> SignupsOut:
        """All signups in signup order, or only those whose status is in ``wanted``."""
        out = GameDetailOut.of_detail(detail)
        everyone = out.confirmed + out.waitlist + out.maybe + out.declined
        by_order = {p.id: p for p in everyone}
        order = [p.user.discord_id for p in detail.game.participants]
        items = [by_order[i] for i in order if i in by_order]
        return cls(items=[p for p in items if not wanted or p.status in wanted])


class SignupAnswer(BaseModel):
    """An RSVP answer: going takes a seat or a waitlist place; maybe and declined hold neither."""

    model_config = ConfigDict(extra="forbid")

    response: Response


class StandingOut(BaseModel):
    """Where a player stands after a join, leave, add or remove."""

    game_id: int
    user_id: Snowflake
    signed_up: bool
    confirmed: bool
    waitlist_position: int | None
    confirmed_count: int
    waitlist_count: int
    status: SignupStatus | None = None

    @classmethod
    def of(cls, standing: Standing, user_id: int, signed_up: bool) -> StandingOut:
        """From the service's result."""
        game = standing.game
        players = len(lineups.going(game))
        status = standing.status
        if status is None and signed_up:
            status = rsvp.RsvpStatus.CONFIRMED if standing.confirmed else rsvp.RsvpStatus.WAITLISTED
        return cls(
            game_id=game.id,
            user_id=user_id,
            signed_up=signed_up,
            confirmed=standing.confirmed,
            waitlist_position=standing.waitlist_position,
            confirmed_count=min(players, game.max_players),
            waitlist_count=max(0, players - game.max_players),
            status=None if status is None else status.value,
        )

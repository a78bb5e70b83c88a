"""Signups: join, leave or answer maybe / can't; the host adds or removes players. Full games
waitlist, never refuse."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from game_scheduler.api.deps import CurrentActor, DbSession, WritingActor
from game_scheduler.api.errors import ERROR_RESPONSES, SIGNUP_RESPONSES
from game_scheduler.api.routes.games import GameId
from game_scheduler.api.schemas.games import SignupStatus
from game_scheduler.api.schemas.signups import (
    PlayerAdd,
    PlayerMove,
    SignupAnswer,
    SignupsOut,
    StandingOut,
)
from game_scheduler.api.schemas.types import Snowflake
from game_scheduler.services import queries, roster, signups

router = APIRouter(prefix="/api/v1/games/{game_id}", tags=["signups"], responses=SIGNUP_RESPONSES)

PlayerId = Annotated[Snowflake, Path(description="The player's Discord id")]


@router.post("/join")
async def join_game(db: DbSession, actor: WritingActor, game_id: GameId) -> StandingOut:
    """Take a seat if one is free, else a place at the end of the waitlist."""
    standing = await signups.join_game(db, actor, game_id)
    return StandingOut.of(standing, actor.discord_id, signed_up=True)


@router.post("/leave")
async def leave_game(db: DbSession, actor: WritingActor, game_id: GameId) -> StandingOut:
    """Give up your signup; a freed seat goes to the first on the waitlist."""
    standing = await signups.leave_game(db, actor, game_id)
    return StandingOut.of(standing, actor.discord_id, signed_up=False)


@router.put("/signup")
async def answer_game(
    db: DbSession, actor: WritingActor, game_id: GameId, body: SignupAnswer
) -> StandingOut:
    """Answer going, maybe or declined; leaving "going" frees a seat for the waitlist.

    Sending the answer you already gave changes nothing.
    """
    standing = await signups.respond(db, actor, game_id, body.response)
    return StandingOut.of(standing, actor.discord_id, signed_up=True)


@router.get("/signups", responses=ERROR_RESPONSES)
async def list_signups(
    db: DbSession,
    actor: CurrentActor,
    game_id: GameId,
    status: Annotated[list[SignupStatus] | None, Query(description="Any of these statuses")] = None,
) -> SignupsOut:
    """Everyone who answered, in signup order, with their status (optionally only some)."""
    return SignupsOut.of_detail(await queries.get_game(db, actor, game_id), set(status or ()))


@router.post("/players", status_code=201)
async def add_player(
    db: DbSession, actor: WritingActor, game_id: GameId, body: PlayerAdd
) -> StandingOut:
    """The host signs someone up (seat or waitlist, as for anyone)."""
    standing = await signups.add_player(db, actor, game_id, body.user_id)
    return StandingOut.of(standing, body.user_id, signed_up=True)


@router.delete("/players/{user_id}")
async def remove_player(
    db: DbSession, actor: WritingActor, game_id: GameId, user_id: PlayerId
) -> StandingOut:
    """The host removes a player, who is told; the waitlist fills the seat."""
    standing = await signups.remove_player(db, actor, game_id, user_id)
    return StandingOut.of(standing, user_id, signed_up=False)


@router.post("/players/{user_id}/move")
async def move_player(
    db: DbSession, actor: WritingActor, game_id: GameId, user_id: PlayerId, body: PlayerMove
) -> StandingOut:
    """The host gives a waiting player a seat or sends a seated one to the waitlist."""
    standing = await roster.move_player(db, actor, game_id, user_id, body.to)
    return StandingOut.of(standing, user_id, signed_up=True)

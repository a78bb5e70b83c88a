"""Games: list with filters, read one, create, update or reschedule, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from game_scheduler.api.deps import CurrentActor, DbSession, WritingActor
from game_scheduler.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from game_scheduler.api.schemas.game_inputs import GameCancel, GameCreate, GameUpdate
from game_scheduler.api.schemas.games import GameDetailOut, GamePageOut
from game_scheduler.api.schemas.types import MAX_ID, Snowflake, UtcDateTime
from game_scheduler.errors import ValidationError
from game_scheduler.models import GameStatus
from game_scheduler.services import games, queries, series, series_split

router = APIRouter(prefix="/api/v1/games", tags=["games"])

GameId = Annotated[int, Path(ge=1, le=MAX_ID, description="The game's id")]


@router.get("", responses=ERROR_RESPONSES)
async def list_games(
    db: DbSession,
    actor: CurrentActor,
    guild_id: Annotated[Snowflake | None, Query(description="Only this server")] = None,
    channel_id: Annotated[Snowflake | None, Query(description="Only this channel")] = None,
    status: Annotated[list[GameStatus] | None, Query(description="Any of these statuses")] = None,
    starts_from: Annotated[
        UtcDateTime | None, Query(alias="from", description="Starting at or after")
    ] = None,
    starts_before: Annotated[UtcDateTime | None, Query(alias="to", description="Before")] = None,
    mine: Annotated[bool, Query(description="Only games I host or joined")] = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> GamePageOut:
    """Games in your servers, soonest first; ``total`` counts all matches you may see."""
    filters = queries.GameFilters(
        guild_discord_id=guild_id,
        channel_discord_id=channel_id,
        statuses=frozenset(status or ()),
        starts_from=starts_from,
        starts_before=starts_before,
        mine=mine,
    )
    return GamePageOut.of(await queries.list_games(db, actor, filters, limit, offset))


@router.post("", status_code=201, responses=WRITE_RESPONSES)
async def create_game(db: DbSession, actor: WritingActor, body: GameCreate) -> GameDetailOut:
    """Post a game in a channel (needs a host role there, or Manage Server)."""
    try:
        if body.recurrence is None:
            game = await games.create_game(db, actor, body.to_draft())
        else:
            recurrence = body.recurrence.to_recurrence()
            _, game = await series.create_series(db, actor, body.to_draft(), recurrence)
    except ValidationError as error:
        if error.field != "channel_discord_id":
            raise
        raise ValidationError(str(error), "channel_id") from error
    return GameDetailOut.of_detail(await queries.get_game(db, actor, game.id))


@router.get("/{game_id}", responses=ERROR_RESPONSES)
async def get_game(db: DbSession, actor: CurrentActor, game_id: GameId) -> GameDetailOut:
    """One game with its host, confirmed players and waitlist."""
    return GameDetailOut.of_detail(await queries.get_game(db, actor, game_id))


@router.patch("/{game_id}", responses=WRITE_RESPONSES)
async def update_game(
    db: DbSession, actor: WritingActor, game_id: GameId, body: GameUpdate
) -> GameDetailOut:
    """Edit or reschedule (host, bot manager or Manage Server); 409 if ``version`` is stale.

    ``scope: "following"`` on a series game changes it and every later one (splits the series).
    """
    if body.scope == "following":
        await series_split.update_following(db, actor, game_id, body.to_changes(), body.version)
    else:
        await games.update_game(
            db, actor, game_id, body.to_changes(), body.version, reconfirm=body.reconfirm
        )
    return GameDetailOut.of_detail(await queries.get_game(db, actor, game_id))


@router.post("/{game_id}/cancel", responses=WRITE_RESPONSES)
async def cancel_game(
    db: DbSession,
    actor: WritingActor,
    game_id: GameId,
    body: Annotated[GameCancel | None, Body()] = None,
) -> GameDetailOut:
    """Cancel the game; its players are told (with the optional reason) and reminders stop."""
    await games.cancel_game(db, actor, game_id, None if body is None else body.reason)
    return GameDetailOut.of_detail(await queries.get_game(db, actor, game_id))

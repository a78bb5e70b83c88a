"""Duplicate a game, past games with filters, attendance, and attendance stats."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from game_scheduler.api.deps import CurrentActor, DbSession, WritingActor
from game_scheduler.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from game_scheduler.api.schemas.games import GameDetailOut
from game_scheduler.api.schemas.history import (
    AttendanceIn,
    DuplicateIn,
    PastGameOut,
    PastPageOut,
    PlayerStatsOut,
    ServerStatsOut,
)
from game_scheduler.api.schemas.types import MAX_ID, Snowflake
from game_scheduler.domain.history import parse_month
from game_scheduler.services import game_defaults, history, queries, stats

router = APIRouter(prefix="/api/v1", tags=["history"])

GameId = Annotated[int, Path(ge=1, le=MAX_ID, description="The game's id")]
GuildId = Annotated[Snowflake, Path(description="The server's Discord id")]
MONTH = r"^\d{4}-\d{2}$"


@router.post("/games/{game_id}/duplicate", status_code=201, responses=WRITE_RESPONSES)
async def duplicate_game(
    db: DbSession,
    actor: WritingActor,
    game_id: GameId,
    body: Annotated[DuplicateIn | None, Body()] = None,
) -> GameDetailOut:
    """Post a copy of any game you can see (no players), at ``scheduled_at`` or a week on."""
    start = None if body is None else body.scheduled_at
    game = await game_defaults.duplicate_game(db, actor, game_id, start)
    return GameDetailOut.of_detail(await queries.get_game(db, actor, game.id))


@router.get("/guilds/{guild_id}/past", responses=ERROR_RESPONSES)
async def past_games(
    db: DbSession,
    actor: CurrentActor,
    guild_id: GuildId,
    month: Annotated[
        str | None, Query(pattern=MONTH, description="Only games that started that month (UTC)")
    ] = None,
    host_id: Annotated[Snowflake | None, Query(description="Only games this user hosted")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PastPageOut:
    """Completed and cancelled games, newest first, with rosters and attendance."""
    filters = history.PastFilters(guild_id, None if month is None else parse_month(month), host_id)
    return PastPageOut.of(await history.list_past_games(db, actor, filters, limit, offset))


@router.get("/games/{game_id}/attendance", responses=ERROR_RESPONSES)
async def read_attendance(db: DbSession, actor: CurrentActor, game_id: GameId) -> PastGameOut:
    """The game's confirmed players and their marks."""
    return PastGameOut.of_past(await history.read_attendance(db, actor, game_id))


@router.put("/games/{game_id}/attendance", responses=WRITE_RESPONSES)
async def mark_attendance(
    db: DbSession, actor: WritingActor, game_id: GameId, body: AttendanceIn
) -> PastGameOut:
    """Mark confirmed players attended or no-show once the game completed (host or manager)."""
    marks = {user: mark.value for user, mark in body.marks.items()}
    return PastGameOut.of_past(await history.mark_attendance(db, actor, game_id, marks))


@router.get("/guilds/{guild_id}/stats", responses=ERROR_RESPONSES)
async def server_stats(db: DbSession, actor: CurrentActor, guild_id: GuildId) -> ServerStatsOut:
    """Games run and cancelled, average attendance and top players of a server."""
    return ServerStatsOut.of(await stats.server_stats(db, actor, guild_id))


@router.get("/me/stats", responses=ERROR_RESPONSES)
async def my_stats(
    db: DbSession,
    actor: CurrentActor,
    guild_id: Annotated[Snowflake | None, Query(description="Only this server")] = None,
) -> PlayerStatsOut:
    """Your games played and no-shows, in one server or all you share with the bot."""
    return PlayerStatsOut.of(await stats.player_stats(db, actor, actor.discord_id, guild_id))

"""Recurring series: create, list, read, change the template, delete (cancels coming games)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from game_scheduler.api.deps import CurrentActor, DbSession, WritingActor
from game_scheduler.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from game_scheduler.api.schemas.series import SeriesCreate, SeriesOut, SeriesPageOut, SeriesUpdate
from game_scheduler.api.schemas.types import MAX_ID, Snowflake
from game_scheduler.errors import ValidationError
from game_scheduler.models import utcnow
from game_scheduler.services import series

router = APIRouter(prefix="/api/v1/series", tags=["series"])

SeriesId = Annotated[int, Path(ge=1, le=MAX_ID, description="The series' id")]


async def _out(db: DbSession, actor: CurrentActor, series_id: int) -> SeriesOut:
    plan = await series.load_series(db, series_id, actor)
    await db.refresh(plan, ["channel"])
    upcoming = await series.occurrence_ids(db, series_id, after=utcnow())
    return SeriesOut.of(plan, upcoming)


@router.post("", status_code=201, responses=WRITE_RESPONSES)
async def create_series(db: DbSession, actor: WritingActor, body: SeriesCreate) -> SeriesOut:
    """Post the first game of a series; the next ones appear ahead of time, announced."""
    try:
        plan, _ = await series.create_series(
            db, actor, body.to_draft(), body.recurrence.to_recurrence()
        )
    except ValidationError as error:
        if error.field != "channel_discord_id":
            raise
        raise ValidationError(str(error), "channel_id") from error
    return await _out(db, actor, plan.id)


@router.get("", responses=ERROR_RESPONSES)
async def list_series(
    db: DbSession,
    actor: CurrentActor,
    guild_id: Annotated[Snowflake | None, Query(description="Only this server")] = None,
) -> SeriesPageOut:
    """Active series in your servers."""
    found = await series.list_series(db, actor, guild_id)
    return SeriesPageOut(items=[await _out(db, actor, plan.id) for plan in found])


@router.get("/{series_id}", responses=ERROR_RESPONSES)
async def get_series(db: DbSession, actor: CurrentActor, series_id: SeriesId) -> SeriesOut:
    """One series with its coming games."""
    return await _out(db, actor, series_id)


@router.patch("/{series_id}", responses=WRITE_RESPONSES)
async def update_series(
    db: DbSession, actor: WritingActor, series_id: SeriesId, body: SeriesUpdate
) -> SeriesOut:
    """New details for the coming games (host, bot manager or Manage Server)."""
    await series.update_series(db, actor, series_id, body.to_changes(), body.carry_mode)
    return await _out(db, actor, series_id)


@router.delete("/{series_id}", responses=WRITE_RESPONSES)
async def delete_series(db: DbSession, actor: WritingActor, series_id: SeriesId) -> SeriesOut:
    """End the series: no more games; the coming ones are cancelled and their players told."""
    await series.end_series(db, actor, series_id)
    return await _out(db, actor, series_id)

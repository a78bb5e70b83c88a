"""Calendars: one game's .ics, and each user's private feed (its URL is the credential)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from game_scheduler.api.deps import CurrentActor, DbSession, WritingActor
from game_scheduler.api.errors import CSRF_RESPONSES
from game_scheduler.api.routes.games import GameId
from game_scheduler.api.schemas.accounts import CalendarFeedOut
from game_scheduler.services import calendar

router = APIRouter(tags=["calendar"])

FeedToken = Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class CalendarResponse(Response):
    """An RFC 5545 document."""

    media_type = "text/calendar"


def _json_error(description: str) -> dict[str, object]:
    # Spelled out: with a "model", FastAPI would document errors as text/calendar here.
    schema = {"$ref": "#/components/schemas/ErrorOut"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


CALENDAR_CONTENT: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}
}
GAME_CALENDAR_RESPONSES = CALENDAR_CONTENT | {
    401: _json_error("Not signed in, or the session ended"),
    404: _json_error("Not found, or not in one of your servers"),
}
FEED_RESPONSES = CALENDAR_CONTENT | {
    404: _json_error("No such feed (regenerated or never existed)"),
}


def _ics(body: bytes, filename: str) -> CalendarResponse:
    return CalendarResponse(
        body, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(
    "/api/v1/games/{game_id}.ics",
    response_class=CalendarResponse,
    responses=GAME_CALENDAR_RESPONSES,
)
async def game_calendar(db: DbSession, actor: CurrentActor, game_id: GameId) -> CalendarResponse:
    """The game as an iCalendar event, saying how you take part."""
    return _ics(await calendar.game_ics(db, actor, game_id), f"game-{game_id}.ics")


@router.get(
    "/calendar/{token}.ics",
    response_class=CalendarResponse,
    responses=FEED_RESPONSES,
)
async def feed_calendar(db: DbSession, token: FeedToken) -> CalendarResponse:
    """Every game the feed's owner hosts or joined, confirmed or waitlisted."""
    return _ics(await calendar.feed_ics(db, token), "games.ics")


@router.post("/api/v1/me/calendar-token", responses=CSRF_RESPONSES)
async def regenerate_feed(db: DbSession, actor: WritingActor) -> CalendarFeedOut:
    """Make a new feed URL; the old one stops working at once."""
    token = await calendar.regenerate_calendar_token(db, actor)
    return CalendarFeedOut(calendar_feed_url=calendar.feed_url(token))

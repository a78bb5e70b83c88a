"""Ending a series from the dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Response

from game_scheduler.services import series
from game_scheduler.web.deps import DashboardRoute, DbSession, GameId, Posted
from game_scheduler.web.flash import redirect

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


@router.post("/series/{series_id}/end")
async def end_series(db: DbSession, post: Posted, series_id: GameId) -> Response:
    """No more games; the coming ones are cancelled and their players told."""
    cancelled = await series.end_series(db, post.principal.actor, series_id)
    message = f"The series has ended; {len(cancelled)} coming game(s) cancelled, players told."
    return redirect("/servers", "success", message)

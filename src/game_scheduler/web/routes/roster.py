"""The host's roster page: find a server member and add them, remove or move a player."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from game_scheduler.errors import Conflict, NotAllowed, ValidationError
from game_scheduler.models import GameStatus
from game_scheduler.services import queries, roster
from game_scheduler.web.deps import (
    MAX_ID,
    DashboardRoute,
    DbSession,
    DiscordId,
    GameId,
    Posted,
    Viewer,
)
from game_scheduler.web.flash import redirect
from game_scheduler.web.rendering import render

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def _player_id(text: str) -> int:
    """A Discord id from a form field, or a ValidationError naming the field."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise ValidationError("user_id must be a Discord user id", "user_id")
    return int(text)


@router.get("/games/{game_id}/roster")
async def roster_page(
    request: Request, db: DbSession, principal: Viewer, game_id: GameId, q: str = ""
) -> Response:
    """Players and waitlist with Remove / Move buttons, and a member search to add someone."""
    detail = await queries.get_game(db, principal.actor, game_id)
    if not detail.can_manage:
        raise NotAllowed("only the host or a bot manager can change this game's players")
    matches = await roster.search_members(db, principal.actor, game_id, q) if q.strip() else []
    context = {
        "title": f"Players of {detail.game.title}",
        "detail": detail,
        "game": detail.game,
        "open": detail.game.status is GameStatus.SCHEDULED,
        "query": q,
        "matches": matches,
    }
    return render(request, "roster.html", context, viewer=principal)


@router.post("/games/{game_id}/roster/add")
async def add(db: DbSession, post: Posted, game_id: GameId) -> Response:
    """Sign up a member of the game's server: a seat if one is free, else the waitlist."""
    url = f"/games/{game_id}/roster"
    try:
        standing = await roster.add_player(
            db, post.principal.actor, game_id, _player_id(post.text("user_id"))
        )
    except (ValidationError, Conflict) as error:
        return redirect(url, "error", str(error))
    where = "a seat" if standing.confirmed else f"waitlist place {standing.waitlist_position}"
    return redirect(url, "success", f"Player added: {where}.")


@router.post("/games/{game_id}/roster/{user_id}/remove")
async def remove(db: DbSession, post: Posted, game_id: GameId, user_id: DiscordId) -> Response:
    """Take a player off the game; they are told, the waitlist fills the seat."""
    url = f"/games/{game_id}/roster"
    try:
        await roster.remove_player(db, post.principal.actor, game_id, user_id)
    except Conflict as error:
        return redirect(url, "error", str(error))
    return redirect(url, "success", "Player removed; they will be told.")


@router.post("/games/{game_id}/roster/{user_id}/move")
async def move(db: DbSession, post: Posted, game_id: GameId, user_id: DiscordId) -> Response:
    """Give a waiting player a seat, or send a seated one to the waitlist."""
    url = f"/games/{game_id}/roster"
    try:
        standing = await roster.move_player(
            db, post.principal.actor, game_id, user_id, post.text("to")
        )
    except (ValidationError, Conflict) as error:
        return redirect(url, "error", str(error))
    where = "has a seat" if standing.confirmed else f"is #{standing.waitlist_position} waiting"
    return redirect(url, "success", f"Moved: the player now {where}; players who moved are told.")

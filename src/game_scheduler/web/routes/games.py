"""One game: its lineup, join and leave, and cancelling it after a confirmation."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from game_scheduler.domain.rsvp import Response as Answer
from game_scheduler.errors import Conflict, NotAllowed, ValidationError
from game_scheduler.models import GameStatus
from game_scheduler.seats.offers import policy_for
from game_scheduler.services import calendar, games, queries, seat_offers, signups
from game_scheduler.services.quorum_rules import summarise
from game_scheduler.services.reminders import offsets_for
from game_scheduler.web.deps import DashboardRoute, DbSession, GameId, Posted, Viewer
from game_scheduler.web.flash import redirect
from game_scheduler.web.rendering import render

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


@router.get("/games/{game_id}")
async def game_page(
    request: Request, db: DbSession, principal: Viewer, game_id: GameId
) -> Response:
    """Host, players, waitlist, the viewer's standing, and calendar links."""
    detail = await queries.get_game(db, principal.actor, game_id)
    game = detail.game
    context = {
        "title": game.title,
        "detail": detail,
        "game": game,
        "offsets": offsets_for(game),
        "quorum": summarise(game, len(detail.confirmed)),
        "seats": policy_for(game),
        "open": game.status is GameStatus.SCHEDULED,
        "feed_url": calendar.feed_url(principal.web_session.user.calendar_token),
        "my_offers": await seat_offers.open_offers_for(db, game.id, principal.actor.discord_id),
    }
    return render(request, "game.html", context, viewer=principal)


@router.post("/games/{game_id}/join")
async def join(db: DbSession, post: Posted, game_id: GameId) -> Response:
    """Take a seat, or a place on the waitlist when the game is full."""
    url = f"/games/{game_id}"
    try:
        standing = await signups.join_game(db, post.principal.actor, game_id)
    except Conflict as error:
        return redirect(url, "error", str(error))
    if standing.confirmed:
        return redirect(url, "success", "You joined: you have a seat.")
    place = standing.waitlist_position
    return redirect(url, "success", f"The game is full: you are number {place} on the waitlist.")


@router.post("/games/{game_id}/leave")
async def leave(db: DbSession, post: Posted, game_id: GameId) -> Response:
    """Give up the signup; the first on the waitlist takes a freed seat."""
    url = f"/games/{game_id}"
    try:
        await signups.leave_game(db, post.principal.actor, game_id)
    except Conflict as error:
        return redirect(url, "error", str(error))
    return redirect(url, "success", "You left the game.")


ANSWERED = {
    Answer.MAYBE: "Noted: maybe. You hold no seat; join to take one.",
    Answer.DECLINED: "Noted: you can't make it.",
}


@router.post("/games/{game_id}/respond")
async def respond(db: DbSession, post: Posted, game_id: GameId) -> Response:
    """Answer maybe or can't make it; a seat given up goes to the first on the waitlist."""
    url = f"/games/{game_id}"
    try:
        answer = Answer(post.text("response"))
    except ValueError:
        return redirect(url, "error", "Choose going, maybe or can't make it.")
    try:
        standing = await signups.respond(db, post.principal.actor, game_id, answer)
    except Conflict as error:
        return redirect(url, "error", str(error))
    if answer is Answer.GOING:
        if standing.confirmed:
            return redirect(url, "success", "You joined: you have a seat.")
        place = standing.waitlist_position
        return redirect(
            url, "success", f"The game is full: you are number {place} on the waitlist."
        )
    return redirect(url, "success", ANSWERED[answer])


@router.get("/games/{game_id}/cancel")
async def confirm_cancel(
    request: Request, db: DbSession, principal: Viewer, game_id: GameId
) -> Response:
    """Ask before cancelling: players are told and it cannot be undone."""
    detail = await queries.get_game(db, principal.actor, game_id)
    if not detail.can_manage:
        raise NotAllowed("only the host or a bot manager can cancel this game")
    context = {"title": f"Cancel {detail.game.title}?", "detail": detail, "game": detail.game}
    return render(request, "cancel.html", context, viewer=principal)


@router.post("/games/{game_id}/cancel")
async def cancel(request: Request, db: DbSession, post: Posted, game_id: GameId) -> Response:
    """Cancel the game for good, with the host's reason if they gave one."""
    url = f"/games/{game_id}"
    reason = post.text("reason")
    try:
        await games.cancel_game(db, post.principal.actor, game_id, reason)
    except ValidationError as error:  # raised before anything changed
        detail = await queries.get_game(db, post.principal.actor, game_id)
        context = {
            "title": f"Cancel {detail.game.title}?",
            "detail": detail,
            "game": detail.game,
            "reason": reason,
            "error": str(error),
        }
        return render(request, "cancel.html", context, viewer=post.principal, status=422)
    except Conflict as error:
        return redirect(url, "error", str(error))
    return redirect(url, "success", "The game is cancelled; its players will be told.")

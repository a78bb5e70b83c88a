"""Answer a seat offer or a re-confirmation from the web (the same service as the DM buttons)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from sqlalchemy import select

from game_scheduler.domain.offers import OfferKind
from game_scheduler.errors import Conflict, NotAllowed
from game_scheduler.models import SeatOffer
from game_scheduler.services import seat_offers
from game_scheduler.web.deps import DashboardRoute, DbSession, Posted
from game_scheduler.web.flash import redirect

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

OfferId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post("/offers/{offer_id}/{answer}")
async def answer(
    db: DbSession, post: Posted, offer_id: OfferId, answer: Literal["yes", "no"]
) -> Response:
    """Accept / Keep (yes) or Pass / Can't (no); back to the game page with what it did."""
    game_id = await db.scalar(select(SeatOffer.game_id).where(SeatOffer.id == offer_id))
    url = "/" if game_id is None else f"/games/{game_id}"
    try:
        done = await seat_offers.answer_offer(
            db, post.principal.actor, offer_id, accept=answer == "yes"
        )
    except (Conflict, NotAllowed) as error:
        return redirect(url, "error", str(error))
    if done.kind is OfferKind.SEAT:
        message = "The seat is yours." if done.holds_seat else "The seat goes to the next player."
    else:
        message = "You keep your seat." if done.holds_seat else "Your seat was given up."
    return redirect(url, "success", message)

"""A player answers a seat offer (Accept / Pass) or a re-confirmation (Keep / Can't)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.offers import OfferKind, Outcome
from game_scheduler.domain.permissions import Actor
from game_scheduler.errors import NotAllowed, NotFound, OfferClosed
from game_scheduler.messaging.outbox import commit_and_publish
from game_scheduler.models import Game, GameStatus, SeatOffer, utcnow
from game_scheduler.seats import offers as seats
from game_scheduler.services.loading import load_game


@dataclass(frozen=True)
class Answered:
    """What the answer did: which question it was, and whether the player holds the seat."""

    game: Game
    kind: OfferKind
    holds_seat: bool


async def _game_of(session: AsyncSession, offer_id: int) -> int:
    game_id = await session.scalar(select(SeatOffer.game_id).where(SeatOffer.id == offer_id))
    if game_id is None:
        raise NotFound("this offer no longer exists")
    return game_id


async def answer_offer(
    session: AsyncSession, actor: Actor, offer_id: int, *, accept: bool
) -> Answered:
    """Only the offered player may answer, and only while the offer is open.

    The game is locked first (as every roster change does), then the offer is read again.
    """
    game = await load_game(session, await _game_of(session, offer_id), lock=True)
    offer = (
        await session.execute(
            select(SeatOffer)
            .where(SeatOffer.id == offer_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    if offer.user_discord_id != actor.discord_id:
        raise NotAllowed("this offer is for another player")
    kind = OfferKind(offer.kind)
    if game.status is not GameStatus.SCHEDULED:
        raise OfferClosed("this game is no longer open")
    if offer.resolved_at is not None:
        raise OfferClosed("this offer has lapsed or was already answered")
    outcome = Outcome.ACCEPTED if accept else Outcome.DECLINED
    holds = await session.run_sync(seats.resolve, game, offer, outcome, utcnow())
    await commit_and_publish(session)
    return Answered(game, kind, holds)


async def open_offers_for(session: AsyncSession, game_id: int, discord_id: int) -> list[SeatOffer]:
    """The player's open questions about this game (for the web game page)."""
    rows = await session.scalars(
        select(SeatOffer).where(
            SeatOffer.game_id == game_id,
            SeatOffer.user_discord_id == discord_id,
            SeatOffer.resolved_at.is_(None),
        )
    )
    return list(rows.all())

"""Expire seat offers and re-confirmations whose window has passed, exactly once each.

Per batch of games: take their locks with ``SKIP LOCKED`` (a game another worker or an
answering player holds is left to them and found again next run), read their open offers again
under the locks, resolve the lapsed ones and stage their events, commit. Offers are only
written under their game's lock, so two runs never both expire one, and a run killed before
its commit leaves the offers open for the next. On SQLite ``lock_for_write_sync`` serialises
the whole transaction instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from game_scheduler.database import lock_for_write_sync
from game_scheduler.domain.offers import Outcome
from game_scheduler.messaging.outbox import SyncEventPublisher, commit_and_publish_sync
from game_scheduler.models import Game, GameStatus, Participant, SeatOffer
from game_scheduler.seats import offers as seats

log = logging.getLogger(__name__)

GAMES_PER_RUN = 100
# Games expired in one transaction: fewer commits and broker round trips, short lock holds.
GAMES_PER_TRANSACTION = 20


def _due(now: datetime) -> list[ColumnElement[bool]]:
    """Open offers that lapsed, or whose game is no longer scheduled (they end unanswered)."""
    return [
        SeatOffer.resolved_at.is_(None),
        or_(SeatOffer.expires_at <= now, Game.status != GameStatus.SCHEDULED),
    ]


def games_with_lapsed_offers(session: Session, now: datetime) -> list[int]:
    """Ids of games with something to expire, soonest first (no locks: a hint)."""
    game_ids = (
        session.execute(
            select(SeatOffer.game_id)
            .join(Game, Game.id == SeatOffer.game_id)
            .where(*_due(now))
            .group_by(SeatOffer.game_id)
            .order_by(func.min(SeatOffer.expires_at))
            .limit(GAMES_PER_RUN)
        )
        .scalars()
        .all()
    )
    session.commit()
    return list(game_ids)


def expire_games_offers(
    session: Session,
    game_ids: Sequence[int],
    now: datetime,
    publisher: SyncEventPublisher | None = None,
) -> int:
    """Expire these games' lapsed offers in one transaction; how many.

    Games another run or an answering player holds are skipped (SKIP LOCKED): found next run.
    """
    lock_for_write_sync(session)
    games = (
        session.execute(
            select(Game)
            .where(Game.id.in_(game_ids))
            .options(
                joinedload(Game.guild, innerjoin=True),
                joinedload(Game.channel, innerjoin=True),
                joinedload(Game.host, innerjoin=True),
                selectinload(Game.participants).selectinload(Participant.user),
            )
            .order_by(Game.id)
            .with_for_update(of=Game, skip_locked=True)
            .execution_options(populate_existing=True)
        )
        .unique()
        .scalars()
        .all()
    )
    if not games:
        session.rollback()
        return 0
    by_id = {game.id: game for game in games}
    offers = (
        session.execute(
            select(SeatOffer)
            .join(Game, Game.id == SeatOffer.game_id)
            .where(SeatOffer.game_id.in_(by_id), *_due(now))
            .order_by(SeatOffer.expires_at, SeatOffer.id)
            .execution_options(populate_existing=True)
        )
        .scalars()
        .all()
    )
    for offer in offers:
        game = by_id[offer.game_id]
        if game.status is not GameStatus.SCHEDULED:  # nothing to give: the question just ends
            offer.resolved_at, offer.outcome = now, Outcome.WITHDRAWN.value
        elif offer.resolved_at is None:
            seats.resolve(session, game, offer, Outcome.EXPIRED, now)
    commit_and_publish_sync(session, publisher)
    return len(offers)


def expire_lapsed_offers(
    session: Session, now: datetime, publisher: SyncEventPublisher | None = None
) -> int:
    """Every game's lapsed offers, a few games per short transaction; how many expired."""
    expired = 0
    while True:
        batch = games_with_lapsed_offers(session, now)
        done = sum(
            expire_games_offers(session, batch[i : i + GAMES_PER_TRANSACTION], now, publisher)
            for i in range(0, len(batch), GAMES_PER_TRANSACTION)
        )
        expired += done
        if len(batch) < GAMES_PER_RUN or done == 0:  # all done, or the rest is locked elsewhere
            break
    if expired:
        log.info("seat offers expired: %d", expired)
    return expired

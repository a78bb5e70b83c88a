"""Open, answer and expire seat offers and re-confirmations, under the game's lock.

Every function runs in the caller's transaction on a sync session, with the game locked and
its players loaded; the caller commits (and publishes what was staged). A freed seat always
goes through :func:`stage_seat_notices`, so offer mode and instant mode differ in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from game_scheduler.config import get_settings
from game_scheduler.domain import notices as notices_for
from game_scheduler.domain import offers as rules
from game_scheduler.domain.notices import DmKind, Notice
from game_scheduler.domain.offers import OfferKind, Outcome, SeatMode
from game_scheduler.messaging.events import EventType
from game_scheduler.models import Game, Participant, SeatOffer
from game_scheduler.seats import lineups
from game_scheduler.seats.staging import SEAT_EVENTS, stage_dm, stage_player


@dataclass(frozen=True)
class SeatPolicy:
    """A game's seat settings as inherited: game, then channel, then server, then default."""

    mode: SeatMode
    offer_window_minutes: int
    reconfirm_window_minutes: int
    silence_frees_seat: bool


V = TypeVar("V")


def _first(*values: V | None) -> V:
    return next(v for v in values if v is not None)


def policy_for(game: Game) -> SeatPolicy:
    """What applies to ``game`` now (its channel and server loaded)."""
    settings = get_settings()
    scopes = (game, game.channel, game.guild)
    return SeatPolicy(
        mode=SeatMode(_first(*(s.seat_mode for s in scopes), settings.seat_mode)),
        offer_window_minutes=_first(
            *(s.offer_window_minutes for s in scopes), settings.offer_window_minutes
        ),
        reconfirm_window_minutes=settings.reconfirm_window_minutes,
        silence_frees_seat=_first(
            *(s.reconfirm_frees_seat for s in scopes), settings.reconfirm_frees_seat
        ),
    )


# Built once, on the table: an ORM entity's UPDATE is copied with annotations at each
# execution and its cache key made again (every leave closes its player's offers). A table's
# UPDATE does not flush the session first; offers are flushed as they are opened (``_open``).
_OFFERS = cast(Table, SeatOffer.__table__)
_CLOSE = (
    update(_OFFERS)
    .where(_OFFERS.c.participant_id.in_(bindparam("ids", expanding=True)))
    .where(_OFFERS.c.resolved_at.is_(None))
    .values(resolved_at=bindparam("closed_at"), outcome=bindparam("closed_as"))
    .returning(_OFFERS.c.kind)
)


def close_offers(
    session: Session, participant_ids: Sequence[int], outcome: Outcome, now: datetime
) -> list[OfferKind]:
    """Resolve the open offers of these signups; the kinds of those closed."""
    if not participant_ids:
        return []
    closing = {"ids": list(participant_ids), "closed_at": now, "closed_as": outcome.value}
    return [OfferKind(kind) for kind in session.execute(_CLOSE, closing).scalars()]


def open_offer_holders(session: Session, game_id: int, kind: OfferKind) -> set[int]:
    """Participant ids of the game holding an open offer of this kind."""
    rows = session.execute(
        select(SeatOffer.participant_id).where(
            SeatOffer.game_id == game_id,
            SeatOffer.kind == kind.value,
            SeatOffer.resolved_at.is_(None),
        )
    ).scalars()
    return {pid for pid in rows if pid is not None}


def _open(
    session: Session, game: Game, player: Participant, kind: OfferKind, now: datetime
) -> SeatOffer:
    policy = policy_for(game)
    minutes = (
        policy.offer_window_minutes if kind is OfferKind.SEAT else policy.reconfirm_window_minutes
    )
    close_offers(session, [player.id], Outcome.WITHDRAWN, now)  # one open question per player
    offer = SeatOffer(
        game_id=game.id,
        participant_id=player.id,
        user_discord_id=player.user.discord_id,
        kind=kind.value,
        offered_at=now,
        expires_at=now + rules.answer_window(minutes, now, game.scheduled_at),
    )
    session.add(offer)
    session.flush()
    return offer


def stage_seat_notices(
    session: Session,
    game: Game,
    notices: list[Notice[Participant]],
    now: datetime,
    *,
    seat_offer_ended: bool = False,
) -> None:
    """One DM per notice; in offer mode a freed seat is offered rather than given.

    ``seat_offer_ended``: the seat came from a seat offer that was passed, lapsed or withdrawn;
    when nobody is next, the host gets the summary that the seat stays open.
    """
    notices = notices_for.in_seat_mode(notices, policy_for(game).mode)
    if any(n.kind is DmKind.RECONFIRM for n in notices):  # a seat still on offer: just news
        offered = open_offer_holders(session, game.id, OfferKind.SEAT)
        notices = [
            Notice(n.recipient, DmKind.RESCHEDULED)
            if n.kind is DmKind.RECONFIRM and n.recipient.id in offered
            else n
            for n in notices
        ]
    ranks = {p.id: rank for rank, p in enumerate(lineups.going(game))}
    for notice in notices:
        player = notice.recipient
        user_id = player.user.discord_id
        offer_id = None
        if notice.kind in (DmKind.SEAT_OFFER, DmKind.RECONFIRM):
            kind = OfferKind.SEAT if notice.kind is DmKind.SEAT_OFFER else OfferKind.RECONFIRM
            offer_id = _open(session, game, player, kind, now).id
        if notice.kind is DmKind.DEMOTED:
            close_offers(session, [player.id], Outcome.WITHDRAWN, now)
        if notice.kind in SEAT_EVENTS:
            stage_player(session, game, SEAT_EVENTS[notice.kind], user_id, ranks[player.id])
        stage_dm(
            session,
            game,
            user_id,
            notice.kind,
            waitlist_position=notice.waitlist_position,
            offer_id=offer_id,
        )
    refilled = {DmKind.SEAT_OFFER, DmKind.WAITLIST_PROMOTION}
    if seat_offer_ended and not any(n.kind in refilled for n in notices):
        stage_dm(session, game, game.host.discord_id, DmKind.SEAT_SUMMARY)


def _drop(
    session: Session, game: Game, player: Participant, now: datetime, *, seat_offer: bool
) -> None:
    """The player gives the seat up: the signup goes and the seat moves on (offer or promote)."""
    notices = notices_for.after_leave(lineups.going(game), game.max_players, player)
    game.participants.remove(player)
    session.delete(player)
    session.flush()
    stage_player(session, game, EventType.PLAYER_LEFT, player.user.discord_id, None)
    stage_seat_notices(session, game, notices, now, seat_offer_ended=seat_offer)


def resolve(
    session: Session, game: Game, offer: SeatOffer, outcome: Outcome, now: datetime
) -> bool:
    """End an open offer this way and apply it; whether the player keeps the seat."""
    kind = OfferKind(offer.kind)
    offer.resolved_at, offer.outcome = now, outcome.value
    player = next((p for p in game.participants if p.id == offer.participant_id), None)
    if player is None:
        return False
    keeps = rules.keeps_seat(kind, outcome, silence_frees_seat=policy_for(game).silence_frees_seat)
    if keeps:
        if kind is OfferKind.SEAT and outcome is Outcome.ACCEPTED:
            rank = lineups.going_rank(game, player)
            stage_player(session, game, EventType.WAITLIST_PROMOTED, offer.user_discord_id, rank)
            stage_dm(
                session,
                game,
                game.host.discord_id,
                DmKind.SEAT_SUMMARY,
                subject_discord_id=offer.user_discord_id,
            )
        session.flush()
        return True
    if outcome is Outcome.EXPIRED:
        stage_dm(session, game, offer.user_discord_id, DmKind.OFFER_LAPSED)
    _drop(session, game, player, now, seat_offer=kind is OfferKind.SEAT)
    return False

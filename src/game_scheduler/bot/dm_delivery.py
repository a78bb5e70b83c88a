"""The dm_delivery ledger: decide a DM against the game as it is now, record each attempt first."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.database import get_db_session
from game_scheduler.domain import dm_rules, waitlist
from game_scheduler.errors import NotFound
from game_scheduler.messaging.events import Envelope, SendDm
from game_scheduler.models import DmDelivery, Game, utcnow
from game_scheduler.services.loading import load_game

log = logging.getLogger(__name__)

ROUTE_SENDING = "sending"
ROUTE_DM = "dm"
ROUTE_CHANNEL = "channel_fallback"
ROUTE_FAILED = "undeliverable"
ROUTE_EXPIRED = "expired"
ROUTE_RATE_LIMITED = "rate_limited"
COUNTED_ROUTES = (ROUTE_SENDING, ROUTE_DM, ROUTE_CHANNEL)

# Discord drops a repeated create with the same nonce (enforce_nonce) for "a few minutes"; past
# this age an unconfirmed attempt is checked against the DM channel before it is sent again.
NONCE_WINDOW = timedelta(minutes=2)


@dataclass(frozen=True)
class Attempt:
    """A DM cleared to go: its payload as of now, and whether an earlier attempt may have landed."""

    dm: SendDm
    attempted_at: datetime
    check_channel: bool


def game_now(game: Game) -> dm_rules.GameNow:
    """The rules' view of a loaded game."""
    ids = [p.user.discord_id for p in game.participants]
    confirmed = {i for rank, i in enumerate(ids) if waitlist.is_confirmed(rank, game.max_players)}
    return dm_rules.GameNow(
        status=game.status,
        starts_at=int(game.scheduled_at.timestamp()),
        host_id=game.host.discord_id,
        confirmed_ids=frozenset(confirmed),
        waitlisted_ids=frozenset(ids) - confirmed,
    )


class DmLedger:
    """Claims a DM before it is sent and records how it ended, each in a short transaction."""

    async def claim(self, envelope: Envelope, dm: SendDm) -> Attempt | None:
        """An attempt to make now, or None when the DM is done, expired or over the limit."""
        event_id = str(envelope.event_id)
        recipient = int(dm.recipient_discord_id)
        now = utcnow()
        async with get_db_session() as session:
            row = await session.scalar(select(DmDelivery).where(DmDelivery.event_id == event_id))
            if row is not None and row.route != ROUTE_SENDING:
                return None
            game = await self._load(session, dm.game_id)
            view = game_now(game) if game is not None else None
            reason = dm_rules.expiry_reason(dm.kind.value, dm.starts_at, recipient, view)
            if row is not None:  # an earlier attempt whose outcome was never recorded
                if reason is not None:
                    row.route, row.detail = ROUTE_EXPIRED, f"after an unconfirmed attempt: {reason}"
                    await session.commit()
                    return None
                first = row.attempted_at or row.created_at
                check = now - first >= NONCE_WINDOW
                return Attempt(self._current(dm, game), first, check)
            route, detail = ROUTE_SENDING, ""
            if reason is not None:
                route, detail = ROUTE_EXPIRED, reason
            elif dm_rules.is_rate_limited(
                dm.kind.value, await self._recent_sends(session, recipient, dm.game_id), now
            ):
                route, detail = ROUTE_RATE_LIMITED, "too many DMs about this game to this user"
            session.add(
                DmDelivery(
                    event_id=event_id,
                    recipient_discord_id=recipient,
                    game_id=game.id if game is not None else None,
                    kind=dm.kind.value,
                    route=route,
                    detail=detail,
                    created_at=now,
                    attempted_at=now if route == ROUTE_SENDING else None,
                )
            )
            try:
                await session.commit()
            except IntegrityError:
                log.info("DM event %s is being handled concurrently; dropped here", event_id)
                return None
        if route != ROUTE_SENDING:
            log.info("%s DM for user %s not sent: %s (%s)", dm.kind, recipient, route, detail)
            return None
        return Attempt(self._current(dm, game), now, check_channel=False)

    async def finish(self, envelope: Envelope, route: str, detail: str = "") -> None:
        """Record how the attempt ended."""
        async with get_db_session() as session:
            await session.execute(
                update(DmDelivery)
                .where(DmDelivery.event_id == str(envelope.event_id))
                .values(route=route, detail=detail)
            )
            await session.commit()

    @staticmethod
    async def _load(session: AsyncSession, game_id: int) -> Game | None:
        try:
            return await load_game(session, game_id)
        except NotFound:
            return None

    @staticmethod
    async def _recent_sends(session: AsyncSession, recipient: int, game_id: int) -> list[datetime]:
        since = utcnow() - dm_rules.RATE_LIMIT_WINDOW
        stmt = select(DmDelivery.created_at).where(
            DmDelivery.recipient_discord_id == recipient,
            DmDelivery.game_id == game_id,
            DmDelivery.route.in_(COUNTED_ROUTES),
            DmDelivery.kind.not_in(dm_rules.RATE_LIMIT_EXEMPT),
            DmDelivery.created_at > since,
        )
        return list((await session.scalars(stmt)).all())

    @staticmethod
    def _current(dm: SendDm, game: Game | None) -> SendDm:
        """The DM written with the game's current title and start (they may have changed)."""
        if game is None:
            return dm
        starts_at = int(game.scheduled_at.timestamp())
        return dm.model_copy(update={"title": game.title, "starts_at": starts_at})

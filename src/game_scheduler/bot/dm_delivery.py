"""The dm_delivery ledger: decide a DM against the game as it is now, record each attempt first."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.database import get_db_session
from game_scheduler.domain import dm_rules, rsvp
from game_scheduler.messaging.events import Envelope, SendDm
from game_scheduler.messaging.handling import record_completion
from game_scheduler.models import (
    Channel,
    DmDelivery,
    Game,
    Guild,
    Participant,
    SeatOffer,
    User,
    utcnow,
)

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


# Built once: a statement's cache key is then computed once, not on every DM.
_FINISH = (
    update(DmDelivery)
    .where(DmDelivery.event_id == bindparam("p_event_id"))
    .values(route=bindparam("p_route"), detail=bindparam("p_detail"))
    .execution_options(synchronize_session=False)
)


@dataclass(frozen=True)
class Attempt:
    """A DM cleared to go: its payload as of now, and whether an earlier attempt may have landed."""

    dm: SendDm
    attempted_at: datetime
    check_channel: bool


@dataclass(frozen=True)
class GameFacts:
    """The game as the DM is about to go out: the rules' view, and what the text shows."""

    rules: dm_rules.GameNow
    title: str
    server_name: str = ""
    location: str = ""
    message_url: str | None = None


def message_url(guild_id: int, channel_id: int, message_id: int | None) -> str | None:
    """The announcement's address in Discord; None before it is posted."""
    if message_id is None:
        return None
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _answer(player: tuple[int, str]) -> str:
    return player[1]


async def read_game(
    session: AsyncSession, game_id: int, *, with_offers: bool = False
) -> GameFacts | None:
    """Two small queries rather than the whole game graph: this runs before every DM.

    ``with_offers``: a third for the game's open offers, for the DMs that carry one.
    """
    row = (
        await session.execute(
            select(
                Game.status,
                Game.scheduled_at,
                Game.max_players,
                Game.title,
                User.discord_id.label("host_id"),
                Game.location,
                Game.discord_message_id,
                Guild.discord_id.label("guild_id"),
                Guild.name.label("server_name"),
                Channel.discord_id.label("channel_id"),
                Game.remind_maybe,
                Channel.remind_maybe.label("channel_remind_maybe"),
                Guild.remind_maybe.label("guild_remind_maybe"),
            )
            .join(User, User.id == Game.host_id)
            .join(Guild, Guild.id == Game.guild_id)
            .join(Channel, Channel.id == Game.channel_id)
            .where(Game.id == game_id)
        )
    ).one_or_none()
    if row is None:
        return None
    players = [
        (discord_id, str(response))
        for discord_id, response in (
            await session.execute(
                select(User.discord_id, Participant.response)
                .join(Participant, Participant.user_id == User.id)
                .where(Participant.game_id == game_id)
                .order_by(Participant.position)
            )
        ).all()
    ]
    roster = rsvp.roster(players, row.max_players, _answer)
    offer_ids: frozenset[int] = frozenset()
    if with_offers:
        open_offers = select(SeatOffer.id).where(
            SeatOffer.game_id == game_id, SeatOffer.resolved_at.is_(None)
        )
        offer_ids = frozenset((await session.scalars(open_offers)).all())
    rules = dm_rules.GameNow(
        status=row.status,
        starts_at=int(row.scheduled_at.timestamp()),
        host_id=row.host_id,
        confirmed_ids=frozenset(i for i, _ in roster.confirmed),
        waitlisted_ids=frozenset(i for i, _ in roster.waitlist),
        maybe_ids=frozenset(i for i, _ in roster.maybe),
        remind_maybe=rsvp.remind_maybe(
            row.remind_maybe, row.channel_remind_maybe, row.guild_remind_maybe
        ),
        open_offer_ids=offer_ids,
    )
    url = message_url(row.guild_id, row.channel_id, row.discord_message_id)
    return GameFacts(rules, row.title, row.server_name, row.location, url)


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
            game = await read_game(session, dm.game_id, with_offers=dm.offer_id is not None)
            view = game.rules if game is not None else None
            reason = dm_rules.expiry_reason(
                dm.kind.value, dm.starts_at, recipient, view, dm.offer_id
            )
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
            elif dm.kind.value not in dm_rules.RATE_LIMIT_EXEMPT and dm_rules.is_rate_limited(
                dm.kind.value, await self._recent_sends(session, recipient, dm.game_id), now
            ):
                route, detail = ROUTE_RATE_LIMITED, "too many DMs about this game to this user"
            session.add(
                DmDelivery(
                    event_id=event_id,
                    recipient_discord_id=recipient,
                    game_id=dm.game_id if game is not None else None,
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
        """Record how the attempt ended and, in the same transaction, the event as handled."""
        async with get_db_session() as session:
            await session.execute(
                _FINISH,
                {"p_event_id": str(envelope.event_id), "p_route": route, "p_detail": detail},
            )
            await record_completion(session, envelope)
            await session.commit()

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
    def _current(dm: SendDm, game: GameFacts | None) -> SendDm:
        """The DM written with the game's current title, start, server, place and the link to
        its announcement as it is now (they may have changed, the message may be re-posted)."""
        if game is None:
            return dm
        update: dict[str, object] = {
            "title": game.title,
            "starts_at": game.rules.starts_at,
            "server_name": game.server_name or None,
            "location": game.location or None,
        }
        if game.message_url is not None:
            update["message_url"] = game.message_url
        return dm.model_copy(update=update)

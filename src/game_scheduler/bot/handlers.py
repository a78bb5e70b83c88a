"""What the bot does for each event; each handler records its outcome in its own transaction."""

from __future__ import annotations

import logging

from sqlalchemy import update

from game_scheduler.bot.announcements import AnnouncementKeeper
from game_scheduler.bot.dm_delivery import ROUTE_CHANNEL, ROUTE_DM, ROUTE_FAILED, DmLedger
from game_scheduler.bot.dm_text import dm_text, fallback_text
from game_scheduler.bot.port import DiscordPort, DiscordUnavailable, DmClosed
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import DmKind, Envelope, EventType, GameRef, SendDm
from game_scheduler.messaging.handling import Handler
from game_scheduler.models import Game

log = logging.getLogger(__name__)

ANNOUNCEMENT_EVENTS = (
    EventType.GAME_CREATED,
    EventType.GAME_UPDATED,
    EventType.GAME_CANCELLED,
    EventType.GAME_STARTED,
    EventType.GAME_COMPLETED,
    EventType.PLAYER_JOINED,
    EventType.PLAYER_LEFT,
    EventType.WAITLIST_PROMOTED,
    EventType.WAITLIST_DEMOTED,
    EventType.PLAYER_RESPONDED,
)


def nonce_for(envelope: Envelope, prefix: str = "") -> str:
    """A Discord nonce (at most 25 characters) that is the same on every redelivery."""
    return (prefix + envelope.event_id.hex)[:25]


class BotHandlers:
    """The bot's event handlers, bound to one way of reaching Discord."""

    def __init__(self, port: DiscordPort) -> None:
        self.port = port
        self.keeper = AnnouncementKeeper(port)
        self.ledger = DmLedger()

    def mapping(self) -> dict[EventType, Handler]:
        """Event type to handler, as ``handle_once`` and the consumer take them."""
        handlers: dict[EventType, Handler] = dict.fromkeys(ANNOUNCEMENT_EVENTS, self.show_game)
        handlers[EventType.SEND_DM] = self.send_dm
        return handlers

    async def show_game(self, envelope: Envelope) -> None:
        """Mark the game's announcement behind and let the keeper catch up; no Discord wait here."""
        ref = envelope.payload()
        assert isinstance(ref, GameRef)
        async with get_db_session() as session:
            await session.execute(
                update(Game)
                .where(Game.id == ref.game_id)
                .values(
                    announcement_wanted=Game.announcement_wanted + 1,
                    updated_at=Game.updated_at,  # bookkeeping: neither a change nor a version bump
                )
            )
            await session.commit()
        self.keeper.request(ref.game_id)

    async def send_dm(self, envelope: Envelope) -> bool:
        """DM the recipient if the message still holds; if their DMs are closed, mention them.

        True: the outcome and the event's completion were recorded in one transaction.
        """
        dm = envelope.payload()
        assert isinstance(dm, SendDm)
        attempt = await self.ledger.claim(envelope, dm)
        if attempt is None:
            return False  # already sent, expired or rate-limited: recorded by the ledger
        recipient = int(dm.recipient_discord_id)
        text = dm_text(attempt.dm)
        if attempt.check_channel and text in await self.port.recent_dm_texts(
            recipient, since=attempt.attempted_at
        ):
            await self.ledger.finish(envelope, ROUTE_DM, "found in the DM channel after a restart")
            return True
        route, detail = ROUTE_DM, ""
        try:
            cant = dm.game_id if dm.kind is DmKind.REMINDER else None
            await self.port.send_dm(recipient, text, nonce_for(envelope), cant_make_it=cant)
        except DmClosed:
            route = ROUTE_CHANNEL
            try:
                await self.port.post_channel_message(
                    int(dm.channel_discord_id),
                    fallback_text(attempt.dm),
                    nonce_for(envelope, "f"),
                    mention_user_id=recipient,
                )
            except DiscordUnavailable as error:
                route, detail = ROUTE_FAILED, f"DMs closed; channel post failed: {error}"
        except DiscordUnavailable as error:
            route, detail = ROUTE_FAILED, str(error)
        if route != ROUTE_DM:
            log.info("%s for user %s went by %s %s", dm.kind, recipient, route, detail)
        await self.ledger.finish(envelope, route, detail)
        return True

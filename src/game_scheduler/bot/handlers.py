"""What the bot does for each event; each handler records its outcome in its own transaction."""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from game_scheduler.bot.announcements import AnnouncementKeeper
from game_scheduler.bot.dm_text import dm_text, fallback_text
from game_scheduler.bot.port import DiscordPort, DiscordUnavailable, DmClosed
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope, EventType, GameRef, SendDm
from game_scheduler.messaging.handling import Handler
from game_scheduler.models import DmDelivery, Game

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
)

ROUTE_DM = "dm"
ROUTE_CHANNEL = "channel_fallback"
ROUTE_FAILED = "undeliverable"


def nonce_for(envelope: Envelope, prefix: str = "") -> str:
    """A Discord nonce (at most 25 characters) that is the same on every redelivery."""
    return (prefix + envelope.event_id.hex)[:25]


class BotHandlers:
    """The bot's event handlers, bound to one way of reaching Discord."""

    def __init__(self, port: DiscordPort) -> None:
        self.port = port
        self.keeper = AnnouncementKeeper(port)

    def mapping(self) -> dict[EventType, Handler]:
        """Event type to handler, as ``handle_once`` and the consumer take them."""
        handlers: dict[EventType, Handler] = dict.fromkeys(ANNOUNCEMENT_EVENTS, self.show_game)
        handlers[EventType.SEND_DM] = self.send_dm
        return handlers

    async def show_game(self, envelope: Envelope) -> None:
        """Every game event ends with the announcement showing the game's current state."""
        ref = envelope.payload()
        assert isinstance(ref, GameRef)
        message_id = await self.keeper.refresh(ref.game_id)
        if message_id is None:
            return
        async with get_db_session() as session:
            # A plain UPDATE, only when the id changed: bookkeeping, not a version bump.
            await session.execute(
                update(Game)
                .where(Game.id == ref.game_id, Game.discord_message_id.is_distinct_from(message_id))
                .values(discord_message_id=message_id, updated_at=Game.updated_at)
            )
            await session.commit()

    async def send_dm(self, envelope: Envelope) -> None:
        """DM the recipient; if their DMs are closed, mention them in the game's channel."""
        dm = envelope.payload()
        assert isinstance(dm, SendDm)
        recipient = int(dm.recipient_discord_id)
        route, detail = ROUTE_DM, ""
        try:
            await self.port.send_dm(recipient, dm_text(dm), nonce_for(envelope))
        except DmClosed:
            route = ROUTE_CHANNEL
            try:
                await self.port.post_channel_message(
                    int(dm.channel_discord_id),
                    fallback_text(dm),
                    nonce_for(envelope, "f"),
                    mention_user_id=recipient,
                )
            except DiscordUnavailable as error:
                route, detail = ROUTE_FAILED, f"DMs closed; channel post failed: {error}"
        except DiscordUnavailable as error:
            route, detail = ROUTE_FAILED, str(error)
        if route != ROUTE_DM:
            log.info("%s for user %s went by %s %s", dm.kind, recipient, route, detail)
        async with get_db_session() as session:
            game_id = await session.scalar(select(Game.id).where(Game.id == dm.game_id))
            session.add(
                DmDelivery(
                    event_id=str(envelope.event_id),
                    recipient_discord_id=recipient,
                    game_id=game_id,
                    kind=dm.kind.value,
                    route=route,
                    detail=detail,
                )
            )
            await session.commit()

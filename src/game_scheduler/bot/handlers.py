"""What the bot does for each event; each handler records its outcome in its own transaction."""

from __future__ import annotations

import logging

import discord
from sqlalchemy import update

from game_scheduler.bot.announcements import AnnouncementKeeper
from game_scheduler.bot.dm_delivery import ROUTE_CHANNEL, ROUTE_DM, ROUTE_FAILED, DmLedger
from game_scheduler.bot.dm_text import dm_text, fallback_text, mention_text
from game_scheduler.bot.offer_views import offer_view
from game_scheduler.bot.port import DiscordPort, DiscordUnavailable, DmClosed
from game_scheduler.bot.quorum_buttons import quorum_view
from game_scheduler.bot.quorum_posts import post_nudge, prefers_mention
from game_scheduler.bot.rsvp_buttons import reminder_view
from game_scheduler.bot.threads import GameThreads, ThreadTarget, cancel_text, change_text
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import (
    DmKind,
    Envelope,
    EventType,
    GameChanged,
    GameRef,
    SendDm,
)
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
    EventType.QUORUM_MET,
    EventType.QUORUM_MISSED,
    EventType.PLAYER_RESPONDED,
)
ROUTE_MENTION = "channel_mention"


def _buttons(dm: SendDm) -> discord.ui.View | None:
    """The buttons under a DM: "Can't make it" under a reminder or a carried-over seat, Accept /
    Pass or Keep / Can't
    under one that carries an open offer, Cancel / Keep under the host's quorum question."""
    if dm.kind in (DmKind.REMINDER, DmKind.CARRIED_OVER):
        return reminder_view(dm.game_id)
    if dm.kind is DmKind.QUORUM_ASK_HOST:
        return quorum_view(dm.game_id)
    return None if dm.offer_id is None else offer_view(dm.offer_id, dm.kind)


def nonce_for(envelope: Envelope, prefix: str = "") -> str:
    """A Discord nonce (at most 25 characters) that is the same on every redelivery."""
    return (prefix + envelope.event_id.hex)[:25]


class BotHandlers:
    """The bot's event handlers, bound to one way of reaching Discord."""

    def __init__(self, port: DiscordPort) -> None:
        self.port = port
        self.threads = GameThreads(port)
        self.keeper = AnnouncementKeeper(port, self.threads)
        self.ledger = DmLedger()

    def mapping(self) -> dict[EventType, Handler]:
        """Event type to handler, as ``handle_once`` and the consumer take them."""
        handlers: dict[EventType, Handler] = dict.fromkeys(ANNOUNCEMENT_EVENTS, self.show_game)
        handlers[EventType.SEND_DM] = self.send_dm
        handlers[EventType.GAME_UPDATED] = self.show_and_post
        handlers[EventType.GAME_CANCELLED] = self.show_and_post
        handlers[EventType.QUORUM_NUDGED] = self.post_nudge
        return handlers

    async def show_and_post(self, envelope: Envelope) -> None:
        """An edit or a cancellation: the announcement follows, and the thread hears of it."""
        await self.show_game(envelope)
        ref = envelope.payload()
        assert isinstance(ref, GameRef)
        if isinstance(ref, GameChanged):
            changes = ref.changes

            def text(target: ThreadTarget) -> str | None:
                return change_text(target, changes)

            await self.threads.post(ref.game_id, text, nonce_for(envelope, "t"))
        else:
            await self.threads.post(ref.game_id, cancel_text, nonce_for(envelope, "t"))

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

    async def _post_reminder(self, envelope: Envelope, recipient: int, text: str) -> None:
        """A reminder is also posted in the game's thread, once: with the host's copy."""
        dm = envelope.payload()
        assert isinstance(dm, SendDm)

        def reminder_text(target: ThreadTarget) -> str | None:
            if recipient != target.host_discord_id:
                return None
            return text.split("\n", 1)[0]

        await self.threads.post(dm.game_id, reminder_text, nonce_for(envelope, "t"))

    async def post_nudge(self, envelope: Envelope) -> None:
        """Post a short game's call for players in its channel (the same nonce on a redelivery)."""
        await post_nudge(self.port, envelope, nonce_for(envelope, "q"))

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
        if dm.kind is DmKind.REMINDER:
            await self._post_reminder(envelope, recipient, text)
        if attempt.check_channel and text in await self.port.recent_dm_texts(
            recipient, since=attempt.attempted_at
        ):
            await self.ledger.finish(envelope, ROUTE_DM, "found in the DM channel after a restart")
            return True
        if dm.kind is DmKind.REMINDER and await prefers_mention(recipient):
            return await self._mention(envelope, attempt.dm)
        route, detail = ROUTE_DM, ""
        try:
            await self.port.send_dm(recipient, text, nonce_for(envelope), view=_buttons(dm))
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

    async def _mention(self, envelope: Envelope, dm: SendDm) -> bool:
        """A reminder as a mention of that one user in the game's channel, never a DM."""
        route, detail = ROUTE_MENTION, ""
        try:
            await self.port.post_channel_message(
                int(dm.channel_discord_id),
                mention_text(dm),
                nonce_for(envelope, "m"),
                mention_user_id=int(dm.recipient_discord_id),
            )
        except DiscordUnavailable as error:
            route, detail = ROUTE_FAILED, f"channel mention failed: {error}"
        await self.ledger.finish(envelope, route, detail)
        return True

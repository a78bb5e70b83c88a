"""Keep each game's announcement in step with the game, coalescing bursts of changes."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from game_scheduler.bot.embeds import build_announcement
from game_scheduler.bot.port import DiscordPort, DiscordUnavailable, MessageGone
from game_scheduler.database import get_db_session
from game_scheduler.domain.status import FINAL
from game_scheduler.errors import NotFound
from game_scheduler.services.loading import load_game

log = logging.getLogger(__name__)


@dataclass
class _Slot:
    """One game's refresh work: the round waiting to run, and whether a runner is active."""

    waiting: asyncio.Future[int | None] | None = None
    runner: asyncio.Task[None] | None = None


class AnnouncementKeeper:
    """Posts, edits and re-posts announcements from the game's current state.

    Callers that arrive while a refresh is running share the next one, so a burst of joins
    becomes at most two edits (the one in flight and one more), with no timer adding delay.
    The keeper only reads the database: callers store the message id it returns in their own
    transaction (on SQLite a second writer would wait for theirs to end, and they for it).
    """

    def __init__(self, port: DiscordPort) -> None:
        self.port = port
        self._slots: dict[int, _Slot] = {}
        # Message ids this process posted for live games, known before their callers commit.
        self._posted: dict[int, int] = {}

    async def refresh(self, game_id: int) -> int | None:
        """Once the announcement shows the game as it is now, its message id (None: no message)."""
        slot = self._slots.setdefault(game_id, _Slot())
        if slot.waiting is None:
            slot.waiting = asyncio.get_running_loop().create_future()
        waiting = slot.waiting
        if slot.runner is None:
            slot.runner = asyncio.create_task(self._run(game_id, slot))
        return await asyncio.shield(waiting)

    async def _run(self, game_id: int, slot: _Slot) -> None:
        current: asyncio.Future[int | None] | None = None
        try:
            while slot.waiting is not None:
                current, slot.waiting = slot.waiting, None
                try:
                    message_id = await self.sync(game_id)
                except Exception as error:
                    current.set_exception(error)
                    current.exception()  # the waiting handlers re-raise it; no orphan warning
                else:
                    current.set_result(message_id)
        finally:
            del self._slots[game_id]
            for future in (current, slot.waiting):
                if future is not None and not future.done():
                    future.cancel()

    async def sync(self, game_id: int) -> int | None:
        """Post the announcement if it has none, else edit it; re-post one that was deleted."""
        async with get_db_session() as session:
            try:
                game = await load_game(session, game_id)
            except NotFound:
                log.info("game %s no longer exists; no announcement to keep", game_id)
                return None
        announcement = build_announcement(game)
        channel_id = game.channel.discord_id
        old_id = self._posted.get(game.id, game.discord_message_id)
        if game.status in FINAL:
            self._posted.pop(game.id, None)  # no more changes to come; the database has the id
        try:
            if old_id is None:
                new_id = await self.port.post_announcement(
                    channel_id, announcement, nonce=f"g{game.id}"
                )
            else:
                try:
                    await self.port.edit_announcement(channel_id, old_id, announcement)
                    return old_id
                except MessageGone:
                    if game.status in FINAL:
                        log.info("announcement of finished game %s was deleted", game.id)
                        return old_id
                    log.info("announcement of game %s was deleted; posting again", game.id)
                    new_id = await self.port.post_announcement(
                        channel_id, announcement, nonce=f"r{old_id}"
                    )
        except DiscordUnavailable as error:
            log.warning("cannot show game %s in channel %s: %s", game.id, channel_id, error)
            return old_id
        if game.status not in FINAL:
            self._posted[game.id] = new_id
        return new_id

"""Keep each game's announcement in step with the game, coalescing bursts of changes."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging

from sqlalchemy import select, update

from game_scheduler.bot.embeds import build_announcement
from game_scheduler.bot.port import DiscordPort, DiscordUnavailable, MessageGone
from game_scheduler.bot.threads import GameThreads, pings_of
from game_scheduler.config import get_settings
from game_scheduler.database import get_db_session
from game_scheduler.domain.status import FINAL
from game_scheduler.errors import NotFound
from game_scheduler.models import Game
from game_scheduler.services.games import record_announcement_failure
from game_scheduler.services.loading import load_game

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0
# Keeper tasks share the connection pool with the event handlers: a resync of many games waits
# its turn here rather than queueing on the pool until it times out.
DB_SLOTS = 4


class AnnouncementKeeper:
    """Posts, edits and re-posts announcements from the game's latest state, off the event path.

    Game events only record that an announcement is behind (``game.announcement_wanted`` is
    bumped) and call :meth:`request`, which returns at once. One task per game then reads the
    game, edits the message, records what it showed (``announcement_shown``) and goes round again
    while the game changed meanwhile. So a burst of changes becomes as few edits as Discord's pace
    allows, ending on the final state, with at most one edit in flight per game, and a channel
    Discord rate-limits never holds up other events. Outages are retried with capped backoff;
    :meth:`resync` picks up what a stopped bot left behind.
    """

    def __init__(self, port: DiscordPort, threads: GameThreads | None = None) -> None:
        self.port = port
        self.threads = threads
        self._runners: dict[int, asyncio.Task[None]] = {}
        self._again: set[int] = set()
        self._db_slots = asyncio.Semaphore(DB_SLOTS)

    def request(self, game_id: int) -> None:
        """Bring the game's announcement up to date soon; a running task for it goes round again."""
        if game_id in self._runners:
            self._again.add(game_id)
            return
        self._runners[game_id] = asyncio.create_task(self._run(game_id), name=f"announce-{game_id}")

    async def resync(self) -> int:
        """Request every announcement the database says is behind; how many there were."""
        async with self._db_slots, get_db_session() as session:
            behind = (
                await session.scalars(
                    select(Game.id).where(Game.announcement_shown < Game.announcement_wanted)
                )
            ).all()
        for game_id in behind:
            self.request(game_id)
        if behind:
            log.info("catching up %d announcements left behind", len(behind))
        return len(behind)

    async def resync_until_done(self) -> None:
        """:meth:`resync`, retried with backoff while the database is unreachable (bot start)."""
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                await self.resync()
                return
            except Exception as error:
                log.warning("cannot look for announcements left behind (%r); retrying", error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)

    async def wait_idle(self) -> None:
        """Until no announcement task is running (tests, clean shutdown)."""
        while self._runners:
            await asyncio.gather(*list(self._runners.values()), return_exceptions=True)

    async def close(self, grace: float = 0.0) -> None:
        """Stop the tasks (after ``grace`` seconds); what is not shown yet stays marked behind."""
        if grace > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wait_idle(), grace)
        for task in list(self._runners.values()):
            task.cancel()
        await asyncio.gather(*list(self._runners.values()), return_exceptions=True)

    async def _run(self, game_id: int) -> None:
        delay = FIRST_RETRY_SECONDS
        try:
            while True:
                self._again.discard(game_id)
                try:
                    behind = await self.sync(game_id)
                except Exception as error:  # an outage of Discord or the database: wait, retry
                    log.warning(
                        "announcement of game %s not updated (%r); retrying in %.0f s",
                        game_id,
                        error,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, MAX_RETRY_SECONDS)
                    continue
                delay = FIRST_RETRY_SECONDS
                if not behind and game_id not in self._again:
                    return
        finally:
            self._runners.pop(game_id, None)
            self._again.discard(game_id)

    async def sync(self, game_id: int) -> bool:
        """Show the game as it is now if its announcement is behind; True if it changed since."""
        async with self._db_slots, get_db_session() as session:
            counters = (
                await session.execute(
                    select(Game.announcement_wanted, Game.announcement_shown).where(
                        Game.id == game_id
                    )
                )
            ).one_or_none()
            if counters is None or counters.announcement_shown >= counters.announcement_wanted:
                return False
            wanted = counters.announcement_wanted
            try:  # read after the counter: what is shown is at least as new as what it asked for
                game = await load_game(session, game_id)
            except NotFound:
                log.info("game %s no longer exists; no announcement to keep", game_id)
                return False
        message_id = await self._show(game)
        if self.threads is not None and pings_of(game).game_threads:
            if message_id != game.discord_message_id:  # kept now: a thread outage re-runs this
                await self._keep_message_id(game_id, message_id)
            await self.threads.follow(game, message_id)
        async with self._db_slots, get_db_session() as session:
            await session.execute(
                update(Game)
                .where(Game.id == game_id, Game.announcement_shown < wanted)
                .values(
                    announcement_shown=wanted,
                    discord_message_id=message_id,
                    updated_at=Game.updated_at,  # bookkeeping, not a change of the game
                )
            )
            now_wanted = await session.scalar(
                select(Game.announcement_wanted).where(Game.id == game_id)
            )
            await session.commit()
        return now_wanted is not None and now_wanted > wanted

    async def _keep_message_id(self, game_id: int, message_id: int | None) -> None:
        async with self._db_slots, get_db_session() as session:
            await session.execute(
                update(Game)
                .where(Game.id == game_id)
                .values(discord_message_id=message_id, updated_at=Game.updated_at)
            )
            await session.commit()

    async def _show(self, game: Game) -> int | None:
        """Post or edit, and tell the host on the dashboard when Discord refuses for good."""
        try:
            message_id = await self._post_or_edit(game)
        except DiscordUnavailable as error:
            channel_id = game.channel.discord_id
            log.warning("cannot show game %s in channel %s: %s", game.id, channel_id, error)
            async with self._db_slots:
                await record_announcement_failure(game.id, str(error))
            return game.discord_message_id
        if game.announcement_error is not None:
            async with self._db_slots:
                await record_announcement_failure(game.id, None)
        return message_id

    async def _post_or_edit(self, game: Game) -> int | None:
        """Post the announcement if it has none, else edit it; re-post one that was deleted."""
        announcement = build_announcement(game, get_settings().public_url)
        channel_id = game.channel.discord_id
        old_id = game.discord_message_id
        if old_id is None:
            role = pings_of(game).ping_role_id
            first = dataclasses.replace(announcement, ping_role_id=role)
            return await self.port.post_announcement(channel_id, first, nonce=f"g{game.id}")
        try:
            await self.port.edit_announcement(channel_id, old_id, announcement)
            return old_id
        except MessageGone:
            if game.status in FINAL:
                log.info("announcement of finished game %s was deleted", game.id)
                return old_id
            log.info("announcement of game %s was deleted; posting again", game.id)
            return await self.port.post_announcement(channel_id, announcement, nonce=f"r{old_id}")

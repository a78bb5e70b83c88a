"""A thread per game: opened on the announcement, confirmed players added, news posted there.

The keeper calls :meth:`GameThreads.follow` after it showed a game, so thread upkeep rides on the
announcement's coalesced, retried path; the event handlers call the ``post_*`` methods. Each
reads or records in a short transaction of its own and holds no session while Discord answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import discord
from discord.utils import escape_markdown
from sqlalchemy import select, update

from game_scheduler.bot.port import DiscordPort, DiscordUnavailable
from game_scheduler.database import get_db_session
from game_scheduler.domain import pings
from game_scheduler.domain.status import FINAL
from game_scheduler.models import Channel, Game, GameStatus, Guild, User
from game_scheduler.seats import lineups

log = logging.getLogger(__name__)

# The changes worth telling the thread about, in the words the post uses.
CHANGE_WORDS = {
    "scheduled_at": "time",
    "location": "place",
    "title": "title",
    "duration_minutes": "duration",
    "max_players": "seats",
    "description": "description",
}


def pings_of(game: Game) -> pings.Pings:
    """The pings and threads in force for a game loaded with its server and channel."""
    guild, channel = game.guild, game.channel
    return pings.in_force(
        guild.ping_role_id,
        guild.game_threads,
        guild.thread_posts,
        channel.ping_role_id,
        channel.game_threads,
        channel.thread_posts,
    )


@dataclass(frozen=True)
class ThreadTarget:
    """What a post in a game's thread needs, read when it is about to be posted."""

    thread_id: int
    host_discord_id: int
    title: str
    starts_at: int
    status: GameStatus
    cancel_reason: str | None


# What to post, decided from the game as it is when posting (None: nothing to post).
TextOf = Callable[[ThreadTarget], str | None]


async def read_target(game_id: int) -> ThreadTarget | None:
    """The game's thread if it has one and its channel posts news there, else None."""
    async with get_db_session() as session:
        row = (
            await session.execute(
                select(
                    Game.thread_discord_id,
                    Game.title,
                    Game.scheduled_at,
                    Game.status,
                    Game.cancel_reason,
                    User.discord_id.label("host_discord_id"),
                    Guild.ping_role_id,
                    Guild.game_threads,
                    Guild.thread_posts,
                    Channel.ping_role_id.label("channel_ping_role_id"),
                    Channel.game_threads.label("channel_game_threads"),
                    Channel.thread_posts.label("channel_thread_posts"),
                )
                .join(User, User.id == Game.host_id)
                .join(Guild, Guild.id == Game.guild_id)
                .join(Channel, Channel.id == Game.channel_id)
                .where(Game.id == game_id)
            )
        ).one_or_none()
    if row is None or row.thread_discord_id is None:
        return None
    settings = pings.in_force(
        row.ping_role_id,
        row.game_threads,
        row.thread_posts,
        row.channel_ping_role_id,
        row.channel_game_threads,
        row.channel_thread_posts,
    )
    if not settings.thread_posts:
        return None
    return ThreadTarget(
        row.thread_discord_id,
        row.host_discord_id,
        row.title,
        int(row.scheduled_at.timestamp()),
        row.status,
        row.cancel_reason,
    )


def change_text(target: ThreadTarget, changes: list[str]) -> str | None:
    """The thread's post about an edit, or None when nothing players care about changed."""
    words = [CHANGE_WORDS[c] for c in CHANGE_WORDS if c in changes]
    if not words or target.status in FINAL:
        return None
    at = target.starts_at
    title = escape_markdown(target.title)
    return f"**{title}** changed ({', '.join(words)}): it starts <t:{at}:F> (<t:{at}:R>)."


def cancel_text(target: ThreadTarget) -> str:
    """The thread's post about a cancellation, with the host's reason."""
    text = f"**{escape_markdown(target.title)}** (<t:{target.starts_at}:F>) was cancelled."
    if target.cancel_reason:
        text += f"\nReason: {escape_markdown(target.cancel_reason)}"
    return text


async def _record(game_id: int, thread_id: int, added: list[int]) -> None:
    """Bookkeeping of the thread and who was added: no version bump, no event."""
    async with get_db_session() as session:
        await session.execute(
            update(Game)
            .where(Game.id == game_id)
            .values(
                thread_discord_id=thread_id,
                thread_member_ids=added,
                updated_at=Game.updated_at,
            )
            .execution_options(synchronize_session=False)
        )
        await session.commit()


class GameThreads:
    """Opens and fills game threads and posts in them, through one way of reaching Discord."""

    def __init__(self, port: DiscordPort) -> None:
        self.port = port

    async def follow(self, game: Game, message_id: int | None) -> None:
        """Open the game's thread if its channel wants one; add confirmed players not in it yet.

        Outages propagate (the keeper retries); a final refusal is logged and left.
        """
        if message_id is None or game.status in FINAL or not pings_of(game).game_threads:
            return
        confirmed = [p.user.discord_id for p in lineups.roster(game).confirmed]
        thread_id = game.thread_discord_id
        added = list(game.thread_member_ids or [])
        missing = pings.to_add(confirmed, added)
        if thread_id is not None and not missing:
            return
        try:
            if thread_id is None:
                name = pings.thread_name(game.title, game.id)
                thread_id = await self.port.create_thread(game.channel.discord_id, message_id, name)
                await _record(game.id, thread_id, added)
            for user_id in missing:
                await self.port.add_thread_member(thread_id, user_id)
                added.append(user_id)
        except (DiscordUnavailable, discord.HTTPException) as error:
            log.warning("thread of game %s not kept up: %s", game.id, error)
        finally:
            if thread_id is not None and added != (game.thread_member_ids or []):
                await _record(game.id, thread_id, added)

    async def post(self, game_id: int, text_of: TextOf, nonce: str) -> None:
        """Post in the game's thread if it has one, the setting says so and there is news."""
        target = await read_target(game_id)
        if target is None:
            return
        text = text_of(target)
        if text is None:
            return
        try:
            await self.port.post_in_thread(target.thread_id, text, nonce)
        except DiscordUnavailable as error:
            log.warning("cannot post in the thread of game %s: %s", game_id, error)

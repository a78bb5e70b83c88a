"""Role pings and threads per game: what a channel inherits from its server, and what may ping.

A channel's ``None`` inherits the server's setting; a channel ping role of ``NO_PING`` (0) turns
the server's ping off there.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_PING = 0
THREAD_NAME_LIMIT = 100  # Discord's limit on a thread's name


@dataclass(frozen=True)
class Pings:
    """The pings and threads in force for a game's channel."""

    ping_role_id: int | None
    game_threads: bool
    thread_posts: bool


def in_force(
    guild_role: int | None,
    guild_threads: bool,
    guild_posts: bool,
    channel_role: int | None,
    channel_threads: bool | None,
    channel_posts: bool | None,
) -> Pings:
    """The channel's own settings where set, else the server's."""
    role = guild_role if channel_role is None else channel_role
    threads = guild_threads if channel_threads is None else channel_threads
    posts = guild_posts if channel_posts is None else channel_posts
    return Pings(
        ping_role_id=None if role in (None, NO_PING) else role,
        game_threads=threads,
        thread_posts=threads and posts,
    )


def ping_text(role_id: int | None) -> str:
    """The announcement's content: the role mention, or nothing."""
    return "" if role_id is None else f"<@&{role_id}>"


def thread_name(title: str, game_id: int) -> str:
    """The thread's name: the game's title, cut to Discord's limit."""
    name = title.strip() or f"Game #{game_id}"
    return name if len(name) <= THREAD_NAME_LIMIT else name[: THREAD_NAME_LIMIT - 1] + "…"


def to_add(confirmed: list[int], added: list[int] | None) -> list[int]:
    """Confirmed players the bot has not yet added to the thread, in signup order."""
    done = set(added or [])
    return [user_id for user_id in confirmed if user_id not in done]

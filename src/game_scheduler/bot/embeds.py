"""The announcement embed: everything a player needs at a glance, within Discord's limits."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from game_scheduler.bot.port import Announcement
from game_scheduler.domain import rsvp
from game_scheduler.domain import status as lifecycle
from game_scheduler.models import Game, GameStatus
from game_scheduler.seats import lineups
from game_scheduler.services.quorum_rules import summarise

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
TOTAL_LIMIT = 6000

COLOURS = {
    GameStatus.SCHEDULED: discord.Colour.blurple(),
    GameStatus.IN_PROGRESS: discord.Colour.green(),
    GameStatus.COMPLETED: discord.Colour.dark_grey(),
    GameStatus.CANCELLED: discord.Colour.red(),
}
STATUS_TEXT = {
    GameStatus.SCHEDULED: "Scheduled: signups are open",
    GameStatus.IN_PROGRESS: "In progress: signups are closed",
    GameStatus.COMPLETED: "Completed",
    GameStatus.CANCELLED: "Cancelled by the host",
}
TITLE_TAGS = {
    GameStatus.IN_PROGRESS: "[In progress] ",
    GameStatus.COMPLETED: "[Completed] ",
    GameStatus.CANCELLED: "[Cancelled] ",
}
DEFAULT_INSTRUCTIONS = (
    "Press **Join** to take a seat (or a waitlist place), **Maybe** if you are not sure, "
    "**Can't** if you can't make it, **Leave** to take your name off."
)


def _answer(player: tuple[int, str]) -> str:
    return player[1]


def clip(text: str, limit: int) -> str:
    """Cut text to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mention_list(user_ids: Sequence[int], limit: int = FIELD_VALUE_LIMIT) -> str:
    """Mentions separated by commas, ending in "and N more" when they do not all fit."""
    mentions = [f"<@{user_id}>" for user_id in user_ids]
    text = ", ".join(mentions)
    if len(text) <= limit:
        return text
    shown: list[str] = []
    length = 0
    for mention in mentions:
        added = len(mention) + (2 if shown else 0)
        left_after = len(mentions) - len(shown) - 1
        if length + added + len(f" and {left_after} more") > limit:
            break
        shown.append(mention)
        length += added
    return ", ".join(shown) + f" and {len(mentions) - len(shown)} more"


def format_duration(minutes: int) -> str:
    """Minutes as "2 h", "1 h 30 min" or "45 min"."""
    hours, rest = divmod(minutes, 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{rest} min"] if rest else [])
    return " ".join(parts)


def build_embed(game: Game) -> discord.Embed:
    """The announcement embed for a game loaded with host and participants."""
    lineup = rsvp.roster(
        [(p.user.discord_id, lineups.answer(p)) for p in game.participants],
        game.max_players,
        _answer,
    )
    confirmed, waiting = [i for i, _ in lineup.confirmed], [i for i, _ in lineup.waitlist]
    start = int(game.scheduled_at.timestamp())
    embed = discord.Embed(
        title=clip(TITLE_TAGS.get(game.status, "") + game.title, TITLE_LIMIT),
        description=clip(game.description, DESCRIPTION_LIMIT) or None,
        colour=COLOURS[game.status],
    )
    embed.add_field(name="When", value=f"<t:{start}:F> (<t:{start}:R>)", inline=False)
    embed.add_field(name="Duration", value=format_duration(game.duration_minutes))
    if game.location:
        embed.add_field(name="Where", value=clip(game.location, FIELD_VALUE_LIMIT))
    embed.add_field(name="Host", value=f"<@{game.host.discord_id}>")
    embed.add_field(
        name=f"Players ({len(confirmed)}/{game.max_players})",
        value=mention_list(confirmed) or "Nobody yet",
        inline=False,
    )
    if waiting:
        embed.add_field(
            name=f"Waitlist ({len(waiting)})", value=mention_list(waiting), inline=False
        )
    quorum = summarise(game, len(lineup.confirmed)) if game.status is GameStatus.SCHEDULED else None
    if quorum is not None:
        deadline = int(quorum.deadline_at.timestamp())
        embed.add_field(
            name="Quorum",
            value=f"At least {quorum.min_players} by <t:{deadline}:f>: {quorum.label}",
            inline=False,
        )
    for name, answered in (("Maybe", lineup.maybe), ("Can't", lineup.declined)):
        if answered:
            ids = [i for i, _ in answered]
            embed.add_field(name=f"{name} ({len(ids)})", value=mention_list(ids), inline=False)
    if game.status is GameStatus.SCHEDULED:
        instructions = game.signup_instructions or DEFAULT_INSTRUCTIONS
        embed.add_field(
            name="How to join", value=clip(instructions, FIELD_VALUE_LIMIT), inline=False
        )
    status_text = STATUS_TEXT[game.status]
    if game.status is GameStatus.CANCELLED and game.cancel_reason:
        status_text += f": {clip(game.cancel_reason, FIELD_VALUE_LIMIT - len(status_text) - 2)}"
    embed.add_field(name="Status", value=status_text, inline=False)
    embed.set_footer(text=f"Game #{game.id}")
    return fit_total(embed)


def fit_total(embed: discord.Embed) -> discord.Embed:
    """Shorten the description so the whole embed stays under Discord's 6000 characters."""
    excess = len(embed) - TOTAL_LIMIT
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(len(embed.description) - excess, 1))
    return embed


def links(game_id: int, public_url: str) -> tuple[tuple[str, str], ...]:
    """The announcement's link buttons: the game's web page and its calendar file."""
    if not public_url.startswith(("http://", "https://")):
        return ()
    base = public_url.rstrip("/")
    return (
        ("Game page", f"{base}/games/{game_id}"),
        ("Add to calendar (.ics)", f"{base}/api/v1/games/{game_id}.ics"),
    )


def build_announcement(game: Game, public_url: str = "") -> Announcement:
    """The embed, the state of the buttons and the links (``PUBLIC_URL``) of an announcement."""
    return Announcement(
        game_id=game.id,
        embed=build_embed(game),
        joinable=lifecycle.is_open_for_signup(game.status),
        links=links(game.id, public_url),
    )

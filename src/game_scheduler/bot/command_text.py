"""Parse slash-command options and write their answers as short Discord messages."""

from __future__ import annotations

import re
from collections.abc import Sequence

from discord.utils import escape_markdown

from game_scheduler.domain.waitlist import waitlist_position
from game_scheduler.errors import ValidationError
from game_scheduler.models import Game, GameStatus
from game_scheduler.services.queries import GameSummary
from game_scheduler.services.settings import ScopeSettings

MESSAGE_LIMIT = 2000
INHERIT_WORDS = {"inherit", "default", "reset"}
NOTHING_WORDS = {"none", "off", "anyone", "everyone"}


def parse_offsets(text: str) -> list[int] | None:
    """ "60, 15" -> [60, 15]; "none" -> [] (no reminders); "default" -> None (inherit)."""
    word = text.strip().lower()
    if word in INHERIT_WORDS:
        return None
    if word in NOTHING_WORDS:
        return []
    parts = [p for p in re.split(r"[\s,]+", word) if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise ValidationError(
            'reminders must be minutes before the start, like "60, 15" (or "none", "default")',
            "reminder_offsets",
        )
    return [int(p) for p in parts]


def parse_roles(text: str) -> list[int] | None:
    """Role mentions or ids -> ids; "anyone" -> [] (no role needed); "default" -> None."""
    word = text.strip().lower()
    if word in INHERIT_WORDS:
        return None
    if word in NOTHING_WORDS:
        return []
    ids = re.findall(r"<@&([0-9]+)>|\b([0-9]{5,20})\b", text)
    rest = re.sub(r"<@&[0-9]+>|\b[0-9]{5,20}\b|[\s,]", "", text)
    if not ids or rest:
        raise ValidationError(
            'host roles must be role mentions like "@Host @GM" (or "anyone", "default")',
            "host_role_ids",
        )
    return [int(a or b) for a, b in ids]


def announcement_link(game: Game) -> str:
    """A link to the announcement, or to the channel while it has none."""
    base = f"https://discord.com/channels/{game.guild.discord_id}/{game.channel.discord_id}"
    return base if game.discord_message_id is None else f"{base}/{game.discord_message_id}"


def game_line(item: GameSummary) -> str:
    """One line: title, start, seats, where to find it."""
    game = item.game
    start = int(game.scheduled_at.timestamp())
    waiting = item.waitlist_count
    seats = f"{item.confirmed_count}/{game.max_players} players" + (
        f", {waiting} waiting" if waiting else ""
    )
    running = " (in progress)" if game.status is GameStatus.IN_PROGRESS else ""
    title = escape_markdown(game.title)
    link = announcement_link(game)
    return f"• [{title}]({link}){running}: <t:{start}:F> (<t:{start}:R>), {seats}"


def my_game_line(item: GameSummary, viewer_discord_id: int) -> str:
    """A game line with how the viewer takes part."""
    place = None if item.my_rank is None else waitlist_position(item.my_rank, item.game.max_players)
    if item.game.host.discord_id == viewer_discord_id:
        role = "hosting"
    elif item.my_response == "maybe":
        role = "maybe"
    elif place is None:
        role = "confirmed"
    else:
        role = f"waitlist #{place}"
    return f"{game_line(item)} · **{role}**"


def bounded(header: str, lines: Sequence[str], empty: str) -> str:
    """Header and lines within Discord's 2000 characters, counting what did not fit."""
    if not lines:
        return empty
    text = header
    for index, line in enumerate(lines):
        more = f"\n…and {len(lines) - index} more"
        if len(text) + 1 + len(line) + len(more) > MESSAGE_LIMIT:
            return text + more
        text += "\n" + line
    return text


def _roles(ids: Sequence[int] | None) -> str:
    if ids is None:
        return "inherited"
    return " ".join(f"<@&{i}>" for i in ids) or "anyone"


def settings_text(settings: ScopeSettings) -> str:
    """A server's or channel's settings: what it sets itself and what is in force."""
    where = "this server" if settings.scope == "server" else f"#{settings.name}"
    offsets = settings.reminder_offsets
    own_offsets = "inherited" if offsets is None else (", ".join(map(str, offsets)) or "none")
    in_force = ", ".join(map(str, settings.effective_offsets)) or "none"
    cap = "inherited" if settings.max_players is None else str(settings.max_players)
    return "\n".join(
        [
            f"**Game settings for {where}**",
            f"Reminders (minutes before): {own_offsets} → in force: {in_force}",
            f"Max players: {cap} → in force: {settings.effective_max_players}",
            f"Host roles: {_roles(settings.host_role_ids)}"
            f" → in force: {_roles(settings.effective_host_role_ids)}",
            f"Time zone (server): {settings.timezone or 'UTC (not set)'}",
        ]
    )

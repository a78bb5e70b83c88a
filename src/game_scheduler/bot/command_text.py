"""Parse slash-command options and write their answers as short Discord messages."""

from __future__ import annotations

import re
from collections.abc import Sequence

from discord.utils import escape_markdown

from game_scheduler.config import get_settings
from game_scheduler.domain import quorum
from game_scheduler.domain.pings import NO_PING
from game_scheduler.domain.pings import in_force as pings_in_force
from game_scheduler.domain.rsvp import remind_maybe
from game_scheduler.domain.waitlist import waitlist_position
from game_scheduler.errors import ValidationError
from game_scheduler.models import Channel, Game, GameStatus, Guild
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


def parse_minutes(text: str, field: str, *, none: int | None = None) -> int | None:
    """ "45" -> 45; "default" -> None (inherit); "none" -> ``none`` where that means something."""
    word = text.strip().lower()
    if word in INHERIT_WORDS:
        return None
    if none is not None and word in NOTHING_WORDS:
        return none
    if not word.isdigit() or len(word) > 6:
        also = '"none", "default"' if none is not None else '"default"'
        raise ValidationError(f"must be a whole number of minutes, like 45 (or {also})", field)
    return int(word)


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


def _own(value: object, words: dict[object, str] | None = None) -> str:
    """A scope's own setting as shown: "inherited" when it sets none."""
    if value is None:
        return "inherited"
    return (words or {}).get(value, str(value))


def _ping(role_id: int | None) -> str:
    return "none" if role_id in (None, NO_PING) else f"<@&{role_id}>"


def more_settings_lines(guild: Guild, channel: Channel | None) -> list[str]:
    """The maybe reminders, ping, threads, seat offers and quorum: own setting → in force."""
    config = get_settings()
    here: Guild | Channel = guild if channel is None else channel
    scopes: list[Guild | Channel] = [guild] if channel is None else [channel, guild]
    yes_no: dict[object, str] = {True: "yes", False: "no"}
    on_off: dict[object, str] = {True: "on", False: "off"}
    own_maybe = None if channel is None else channel.remind_maybe
    maybe = remind_maybe(None, own_maybe, guild.remind_maybe)
    pings = pings_in_force(
        guild.ping_role_id,
        guild.game_threads,
        guild.thread_posts,
        None if channel is None else channel.ping_role_id,
        None if channel is None else channel.game_threads,
        None if channel is None else channel.thread_posts,
    )
    modes = [s.seat_mode for s in scopes]
    mode = next((m for m in modes if m is not None), config.seat_mode)
    windows = [s.offer_window_minutes for s in scopes]
    window = next((w for w in windows if w is not None), config.offer_window_minutes)
    levels = [(s.quorum_deadline_minutes, s.quorum_action, s.quorum_nudge_minutes) for s in scopes]
    rules = quorum.effective_rules(
        levels,
        (
            config.default_quorum_deadline_minutes,
            config.default_quorum_action,
            config.default_quorum_nudge_minutes,
        ),
    )
    own_ping = here.ping_role_id
    own_ping_text = "inherited" if own_ping is None and channel is not None else _ping(own_ping)
    deadline = here.quorum_deadline_minutes
    return [
        f"Remind maybe players: {_own(here.remind_maybe, yes_no)} → in force: {yes_no[maybe]}",
        f"Ping role: {own_ping_text} → in force: {_ping(pings.ping_role_id)}",
        f"Thread per game: {_own(here.game_threads, on_off)}"
        f" → in force: {on_off[pings.game_threads]}",
        f"Freed seats: {_own(here.seat_mode)} → in force: {mode}",
        f"Offer window (minutes): {_own(here.offer_window_minutes)} → in force: {window}",
        f"Quorum deadline (minutes before): {_own(deadline, {0: 'none'})}"
        f" → in force: {rules.deadline_minutes or 'none'}",
        f"Quorum action: {_own(here.quorum_action)} → in force: {rules.action.value}",
    ]

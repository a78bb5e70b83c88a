"""The game modal's fields as typed, read and checked; and how hosting answers read."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import discord

from game_scheduler.bot import command_text as text
from game_scheduler.bot.interactions import sentence
from game_scheduler.domain import games as rules
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.when import parse_when
from game_scheduler.domain.zones import ZoneInUse
from game_scheduler.errors import GameSchedulerError, ValidationError
from game_scheduler.models import Game, utcnow

WHEN_FORMAT = "%Y-%m-%d %H:%M"
# The services' field names as the host sees them in Discord.
LABELS = {
    "scheduled_at": "when",
    "max_players": "seats",
    "min_players": "seats",
    "reminder_offsets": "reminders",
    "location": "place",
    "channel_discord_id": "channel",
}


@dataclass(frozen=True)
class GameForm:
    """What the modal holds, as typed."""

    title: str = ""
    when: str = ""
    seats: str = ""
    description: str = ""


@dataclass(frozen=True)
class Answer:
    """An ephemeral reply: its text and, when it confirms a game, the Edit button."""

    content: str
    game_id: int | None = None


def parse_seats(value: str) -> int | None:
    """Blank: the channel's or server's cap; else a whole number of seats."""
    cleaned = value.strip()
    if not cleaned:
        return None
    if not re.fullmatch(r"[0-9]{1,4}", cleaned):
        raise ValidationError("seats must be a whole number of players, like 5", "max_players")
    return int(cleaned)


def problems_text(error: GameSchedulerError, heading: str) -> str:
    """Every problem at once, one line each, named as the modal names its fields."""
    if not isinstance(error, ValidationError) or len(error.problems) < 2:
        field = error.field if isinstance(error, ValidationError) else None
        prefix = f"{LABELS.get(field, field)}: " if field else ""
        return f"{heading}\n• {prefix}{sentence(error)}"
    lines = [f"• {LABELS.get(f, f)}: {m}" if f else f"• {m}" for f, m in error.problems]
    return "\n".join([heading, *lines])


def confirmation(verb: str, game: Game, zone: ZoneInUse) -> str:
    """What was saved, with the time as Discord shows it to each reader and the zone used."""
    start = int(game.scheduled_at.timestamp())
    local = game.scheduled_at.astimezone(zone.zone).strftime(WHEN_FORMAT)
    return (
        f"{verb} **{discord.utils.escape_markdown(game.title)}** for <t:{start}:F> (<t:{start}:R>)."
        f"\nRead as {local} in {zone.label()}; change it with /timezone."
        f" Seats: {game.max_players}. [Announcement]({text.announcement_link(game)})"
    )


def check_fields(checks: Checks, form: GameForm, place: str) -> None:
    """The field rules the service would run, so a bad "when" is reported with the rest."""
    checks.run(rules.clean_title, form.title)
    checks.run(rules.clean_text, form.description, "description")
    checks.run(rules.clean_text, place, "location", rules.LOCATION_MAX)


async def read_when(form: GameForm, zone: ZoneInUse, checks: Checks) -> Any:
    """The typed time in the zone, off the event loop (dateparser is CPU work)."""
    return await asyncio.to_thread(checks.run, parse_when, form.when, zone.zone, utcnow())

"""Where /game create starts from: a server template or one of the host's games (a duplicate).

The fields come from ``services.templates`` (the same defaults the web form starts from); the
modal shows title, time, seats and description, the rest is posted as the template says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.bot.interactions import actor_from
from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.errors import ValidationError
from game_scheduler.models import Game
from game_scheduler.services import game_defaults, hosted_games, templates, zones
from game_scheduler.services.game_defaults import GameDefaults
from game_scheduler.services.hosted_games import CHOICES_MAX

Interaction = discord.Interaction[Any]
CHOICE_NAME_MAX = 100  # Discord's limit on an autocomplete choice's name


async def template_choices(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[int]]:
    """The server's templates whose name holds what was typed, by name."""
    if interaction.guild_id is None:
        return []
    needle = current.strip().lower()
    async with get_db_session() as session:
        found = await templates.list_templates(
            session, actor_from(interaction), interaction.guild_id
        )
    return [
        app_commands.Choice(name=t.name[:CHOICE_NAME_MAX], value=t.id)
        for t in found
        if needle in t.name.lower()
    ][:CHOICES_MAX]


GameLookup = Callable[[AsyncSession, Actor, int, str], Awaitable[list[Game]]]


async def _hosted_choices(
    interaction: Interaction, current: str, lookup: GameLookup, when_format: str
) -> list[app_commands.Choice[int]]:
    """The user's games here that ``lookup`` finds, named by title and start in their zone."""
    if interaction.guild_id is None:
        return []
    actor = actor_from(interaction)
    async with get_db_session() as session:
        found = await lookup(session, actor, interaction.guild_id, current)
        zone = await zones.zone_for(session, actor, interaction.guild_id)
    return [
        app_commands.Choice(
            name=f"{game.title[:70]} · {game.scheduled_at.astimezone(zone.zone):{when_format}}",
            value=game.id,
        )
        for game in found
    ]


async def source_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    """The user's own games here (any status), latest first, to post again."""
    return await _hosted_choices(interaction, current, hosted_games.hosted_recent, "%a %d %b %Y")


async def game_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    """The host's upcoming games here whose title holds what they typed, soonest first."""
    return await _hosted_choices(
        interaction, current, hosted_games.hosted_upcoming, "%a %d %b %H:%M"
    )


async def starting_fields(
    actor: Actor, guild_id: int, template_id: int | None, game_id: int | None
) -> GameDefaults | None:
    """The template's or the game's fields (None: a blank form); refused if not visible."""
    if template_id is not None and game_id is not None:
        raise ValidationError("start from a template or from a game, not both", "template")
    async with get_db_session() as session:
        if template_id is not None:
            return await game_defaults.game_fields_from_template(
                session, actor, guild_id, template_id
            )
        if game_id is not None:
            return await game_defaults.game_fields_from_game(session, actor, game_id)
    return None

"""/timezone: the zone a user's typed times are read in, with IANA names to pick from."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from game_scheduler.bot.interactions import actor_from, reply
from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.zones import matching_zones
from game_scheduler.services import zones

Interaction = discord.Interaction[Any]


async def zone_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """IANA names starting with (or naming a city like) what the user typed."""
    return [app_commands.Choice(name=n, value=n) for n in matching_zones(current)]


async def timezone_text(actor: Actor, guild_id: int | None, zone: str | None) -> str:
    """Save the user's zone when one is given; say which zone is in force."""
    async with get_db_session() as session:
        if zone is not None:
            await zones.set_user_zone(session, actor, zone)
        in_force = await zones.zone_for(session, actor, guild_id)
    saved = "Saved. " if zone is not None else ""
    return (
        f"{saved}Times you type are read in **{in_force.label()}**."
        " Set yours with `/timezone zone:Europe/Berlin`; `zone:none` falls back to the server's."
    )


@app_commands.command(name="timezone", description="Your time zone for the times you type")
@app_commands.describe(zone='An IANA zone like Europe/Berlin; "none" to use the server\'s')
@app_commands.autocomplete(zone=zone_choices)
async def timezone_command(
    interaction: Interaction, zone: app_commands.Range[str, 1, 64] | None = None
) -> None:
    await reply(interaction, timezone_text(actor_from(interaction), interaction.guild_id, zone))

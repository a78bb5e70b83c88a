"""Slash commands: /games, /my-games and the rest; each parses options and calls a service."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from game_scheduler.bot import command_text as text
from game_scheduler.bot.game_config import game_config_command
from game_scheduler.bot.game_group import game_group
from game_scheduler.bot.hosting import add_hosting_commands
from game_scheduler.bot.interactions import actor_from, reply
from game_scheduler.bot.reminders_commands import reminders_group
from game_scheduler.bot.roster_commands import add_roster_commands
from game_scheduler.bot.stats_command import stats_command
from game_scheduler.bot.zone_commands import timezone_command
from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.services import queries

Interaction = discord.Interaction[Any]


async def games_text(actor: Actor, guild_id: int, channel_id: int | None) -> str:
    """Upcoming games of the server, or of one channel."""
    filters = queries.GameFilters(
        guild_discord_id=guild_id, channel_discord_id=channel_id, statuses=queries.UPCOMING
    )
    async with get_db_session() as session:
        page = await queries.list_games(session, actor, filters, limit=10)
        where = "this server" if channel_id is None else "this channel"
        return text.bounded(
            f"**Upcoming games in {where}**",
            [text.game_line(item) for item in page.items],
            f"No upcoming games in {where}.",
        )


async def my_games_text(actor: Actor, guild_id: int) -> str:
    """The games the user hosts or joined in this server, with how they take part."""
    filters = queries.GameFilters(guild_discord_id=guild_id, statuses=queries.UPCOMING, mine=True)
    async with get_db_session() as session:
        page = await queries.list_games(session, actor, filters, limit=15)
        return text.bounded(
            "**Your upcoming games**",
            [text.my_game_line(item, actor.discord_id) for item in page.items],
            "You're not hosting or signed up for any upcoming game here.",
        )


@app_commands.command(name="games", description="Upcoming games in this server")
@app_commands.guild_only()
@app_commands.describe(here="Only games announced in this channel")
async def games_command(interaction: Interaction, here: bool = False) -> None:
    assert interaction.guild_id is not None
    channel_id = interaction.channel_id if here else None
    work = games_text(actor_from(interaction), interaction.guild_id, channel_id)
    await reply(interaction, work, ephemeral=False)


@app_commands.command(
    name="my-games", description="Games you host or joined here (only you see it)"
)
@app_commands.guild_only()
async def my_games_command(interaction: Interaction) -> None:
    assert interaction.guild_id is not None
    await reply(interaction, my_games_text(actor_from(interaction), interaction.guild_id))


def register_commands(tree: app_commands.CommandTree[Any]) -> None:
    """Add the bot's slash commands to its command tree (synced to Discord at startup)."""
    tree.add_command(games_command)
    tree.add_command(my_games_command)
    tree.add_command(game_config_command)
    tree.add_command(timezone_command)
    tree.add_command(game_group(add_hosting_commands, add_roster_commands))
    tree.add_command(stats_command)
    tree.add_command(reminders_group)

"""Slash commands: /games, /my-games and /game-config; each parses options and calls a service."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.bot import command_text as text
from game_scheduler.bot.game_group import game_group
from game_scheduler.bot.hosting import add_hosting_commands
from game_scheduler.bot.interactions import actor_from, reply
from game_scheduler.bot.reminders_commands import reminders_group
from game_scheduler.bot.roster_commands import add_roster_commands
from game_scheduler.bot.stats_command import stats_command
from game_scheduler.bot.zone_commands import timezone_command, zone_choices
from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.services import queries, settings

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


async def config_text(
    actor: Actor,
    guild_id: int,
    channel_id: int | None,
    reminders: str | None,
    max_players: int | None,
    host_roles: str | None,
    timezone: str | None = None,
) -> str:
    """Show the settings, or change the ones given and show the result."""
    given: dict[str, object] = {}
    if timezone is not None:  # the server's zone, whichever scope is shown
        zone = None if timezone.strip().lower() in text.INHERIT_WORDS else timezone
        async with get_db_session() as session:
            changes = settings.GuildSettingsChanges(timezone=zone)
            await settings.update_guild_settings(session, actor, guild_id, changes)
    if reminders is not None:
        given["reminder_offsets"] = text.parse_offsets(reminders)
    if max_players is not None:
        given["default_max_players"] = max_players or None
    if host_roles is not None:
        given["host_role_ids"] = text.parse_roles(host_roles)
    async with get_db_session() as session:
        if given:
            await _save_settings(session, actor, guild_id, channel_id, given)
        shown = text.settings_text(await settings.read_scope(session, actor, guild_id, channel_id))
        return "Saved.\n" + shown if given or timezone is not None else shown


async def _save_settings(
    session: AsyncSession,
    actor: Actor,
    guild_id: int,
    channel_id: int | None,
    given: dict[str, object],
) -> None:
    """The same update the dashboard and API make, so inheriting games' reminders follow."""
    if channel_id is None:
        changes = settings.GuildSettingsChanges.model_validate(given)
        await settings.update_guild_settings(session, actor, guild_id, changes)
    else:
        overrides = settings.ChannelSettingsChanges.model_validate(given)
        await settings.update_channel_settings(session, actor, guild_id, channel_id, overrides)


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


@app_commands.command(name="game-config", description="Show or change game settings")
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
@app_commands.describe(
    scope="Settings of this channel or of the whole server",
    reminders='Minutes before the start, e.g. "60, 15"; "none"; or "default" to inherit',
    max_players="Player cap for new games; 0 to inherit",
    host_roles='Roles that may host, e.g. "@Host @GM"; "anyone"; or "default" to inherit',
    timezone='The server\'s time zone, e.g. Europe/Berlin; "default" for UTC',
)
@app_commands.autocomplete(timezone=zone_choices)
async def game_config_command(
    interaction: Interaction,
    scope: Literal["channel", "server"] = "channel",
    reminders: str | None = None,
    max_players: app_commands.Range[int, 0, 1000] | None = None,
    host_roles: str | None = None,
    timezone: app_commands.Range[str, 1, 64] | None = None,
) -> None:
    assert interaction.guild_id is not None
    channel_id = interaction.channel_id if scope == "channel" else None
    work = config_text(
        actor_from(interaction),
        interaction.guild_id,
        channel_id,
        reminders,
        max_players,
        host_roles,
        timezone,
    )
    await reply(interaction, work)


def register_commands(tree: app_commands.CommandTree[Any]) -> None:
    """Add the bot's slash commands to its command tree (synced to Discord at startup)."""
    tree.add_command(games_command)
    tree.add_command(my_games_command)
    tree.add_command(game_config_command)
    tree.add_command(timezone_command)
    tree.add_command(game_group(add_hosting_commands, add_roster_commands))
    tree.add_command(stats_command)
    tree.add_command(reminders_group)

"""/reminders set|clear|show: a user's own reminder offsets and how reminders reach them."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from game_scheduler.bot import command_text as text
from game_scheduler.bot.interactions import reply
from game_scheduler.database import get_db_session
from game_scheduler.services.personal_reminders import (
    ReminderPreferences,
    read_preferences,
    save_preferences,
)

Interaction = discord.Interaction[Any]


def describe(prefs: ReminderPreferences) -> str:
    """The user's reminder choices in one short paragraph."""
    if prefs.offsets is None:
        when = "Your reminders follow each game's own times."
    elif not prefs.offsets:
        when = "You get no reminders."
    else:
        when = "You're reminded " + ", ".join(f"{m} min" for m in prefs.offsets) + " before."
    how = (
        "They come as a mention in the game's channel, not as DMs."
        if prefs.mention
        else "They come by DM."
    )
    return f"{when} {how}"


async def set_text(user_id: int, username: str, offsets: str | None, mention: bool | None) -> str:
    """Save the offsets given ("1440, 5"; "none"; "default") and/or the mention choice."""
    async with get_db_session() as session:
        current = await read_preferences(session, user_id)
        wanted = current.offsets if offsets is None else text.parse_offsets(offsets)
        prefs = await save_preferences(session, user_id, username, offsets=wanted, mention=mention)
    return "Saved. " + describe(prefs)


async def clear_text(user_id: int, username: str) -> str:
    """Back to each game's own offsets, by DM."""
    async with get_db_session() as session:
        prefs = await save_preferences(session, user_id, username, offsets=None, mention=False)
    return "Cleared. " + describe(prefs)


async def show_text(user_id: int) -> str:
    """What is set now."""
    async with get_db_session() as session:
        return describe(await read_preferences(session, user_id))


reminders_group = app_commands.Group(
    name="reminders", description="Your own reminder times, for every game you're in"
)


@reminders_group.command(name="set", description="Set your own reminder times (only you see it)")
@app_commands.describe(
    offsets='Minutes before the start, e.g. "1440, 5"; "none"; or "default" for each game\'s',
    mention="Mention me in the game's channel instead of sending DMs",
)
async def set_command(
    interaction: Interaction, offsets: str | None = None, mention: bool | None = None
) -> None:
    user = interaction.user
    await reply(interaction, set_text(user.id, user.name, offsets, mention))


@reminders_group.command(name="clear", description="Back to each game's reminder times, by DM")
async def clear_command(interaction: Interaction) -> None:
    await reply(interaction, clear_text(interaction.user.id, interaction.user.name))


@reminders_group.command(name="show", description="Your reminder settings")
async def show_command(interaction: Interaction) -> None:
    await reply(interaction, show_text(interaction.user.id))

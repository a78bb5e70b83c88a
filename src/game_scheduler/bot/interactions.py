"""Turn a Discord interaction into an Actor, and answer it inside Discord's 3-second window."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

import discord

from game_scheduler.domain.permissions import Actor
from game_scheduler.errors import GameSchedulerError

log = logging.getLogger(__name__)

# Discord drops an interaction not answered within 3 s; past this budget we defer and follow up.
REPLY_BUDGET_SECONDS = 2.0
NO_PINGS = discord.AllowedMentions.none()


def actor_from(interaction: discord.Interaction) -> Actor:
    """Who clicked, with the roles and Manage Server permission Discord reported for them."""
    user = interaction.user
    if interaction.guild_id is None or not isinstance(user, discord.Member):
        return Actor(discord_id=user.id, username=user.name)
    return Actor.member_of(
        user.id,
        interaction.guild_id,
        role_ids=[role.id for role in user.roles],
        manage_guild=interaction.permissions.manage_guild,
        username=user.name,
    )


def sentence(error: GameSchedulerError) -> str:
    """A domain error as a sentence for the user."""
    text = str(error)
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


async def reply(
    interaction: discord.Interaction,
    work: Awaitable[str],
    *,
    ephemeral: bool = True,
) -> None:
    """Answer with the text ``work`` produces; defer first if it is slow. Errors are private."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=REPLY_BUDGET_SECONDS)
    if task in done:
        text, failed = _text_of(task)
        await interaction.response.send_message(
            text, ephemeral=ephemeral or failed, allowed_mentions=NO_PINGS
        )
        return
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    await asyncio.wait({task})
    text, _ = _text_of(task)
    await interaction.followup.send(text, ephemeral=ephemeral, allowed_mentions=NO_PINGS)


def _text_of(task: asyncio.Future[str]) -> tuple[str, bool]:
    """The reply, and whether it reports a failure."""
    error = task.exception()
    if error is None:
        return task.result(), False
    if isinstance(error, GameSchedulerError):
        return sentence(error), True
    log.error("interaction failed", exc_info=error)
    return "Something went wrong on our side; please try again in a moment.", True

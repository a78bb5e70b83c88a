"""``/stats [user] [server] [public]``: attendance stats of a member or of the whole server."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from game_scheduler.bot.interactions import actor_from, reply
from game_scheduler.database import get_db_session
from game_scheduler.domain.attendance import PlayerStats, ServerStats
from game_scheduler.domain.permissions import Actor
from game_scheduler.models import User
from game_scheduler.services import stats

Interaction = discord.Interaction[Any]


def _games(count: int) -> str:
    return f"{count} game" + ("" if count == 1 else "s")


def player_text(discord_id: int, record: PlayerStats) -> str:
    """One member's record in this server."""
    return "\n".join(
        [
            f"**Stats of <@{discord_id}> in this server**",
            f"Games played: {record.played} · No-shows: {record.no_shows}",
        ]
    )


def server_text(record: ServerStats, users: dict[int, User]) -> str:
    """The server's record and its most regular players."""
    average = "—" if record.average_attendance is None else f"{record.average_attendance:g}"
    lines = [
        "**Stats of this server**",
        f"Games run: {record.games_completed} · Cancelled: {record.games_cancelled}",
        f"Players per game: {average} · No-shows: {record.no_shows}"
        f" (attendance marked for {_games(record.games_marked)})",
    ]
    if record.top_players:
        lines.append("Top players:")
        lines += [
            f"{rank}. <@{users[top.user_id].discord_id}> — {_games(top.played)}"
            for rank, top in enumerate(record.top_players, start=1)
        ]
    return "\n".join(lines)


async def stats_text(actor: Actor, guild_id: int, user_id: int | None, whole_server: bool) -> str:
    """The answer: the server's stats, or one member's (the caller's by default)."""
    async with get_db_session() as session:
        if whole_server:
            view = await stats.server_stats(session, actor, guild_id)
            return server_text(view.stats, view.users)
        target = actor.discord_id if user_id is None else user_id
        player = await stats.player_stats(session, actor, target, guild_id)
        return player_text(target, player.stats)


@app_commands.command(name="stats", description="Games played and no-shows, yours or the server's")
@app_commands.guild_only()
@app_commands.describe(
    user="Whose stats (default: yours)",
    server="The whole server's stats instead",
    public="Post the answer for everyone (default: only you see it)",
)
async def stats_command(
    interaction: Interaction,
    user: discord.User | None = None,
    server: bool = False,
    public: bool = False,
) -> None:
    assert interaction.guild_id is not None
    work = stats_text(
        actor_from(interaction), interaction.guild_id, None if user is None else user.id, server
    )
    await reply(interaction, work, ephemeral=not public)

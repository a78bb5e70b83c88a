"""/game players: the host lists, adds, removes or moves players (the web's roster service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import discord
from discord import app_commands
from discord.utils import escape_markdown

from game_scheduler.bot.interactions import actor_from, reply
from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.errors import NotAllowed, ValidationError
from game_scheduler.models import Participant
from game_scheduler.services import queries, roster

Interaction = discord.Interaction[Any]
Action = Literal["add", "remove", "move"]
Place = Literal["seat", "waitlist"]
NAMES_SHOWN = 40
CHOICE_NAME_MAX = 100


def check_options(action: Action | None, user_id: int | None, to: Place | None) -> None:
    """Every problem with the options at once (one ephemeral reply lists them all)."""
    problems: list[tuple[str | None, str]] = []
    if action is not None and user_id is None:
        problems.append(("user", f"choose the player to {action}"))
    if action == "move" and to is None:
        problems.append(("to", "say where to move them: seat or waitlist"))
    if to is not None and action != "move":
        problems.append(("to", "only a move takes a destination"))
    if user_id is not None and action is None:
        problems.append(("action", "choose add, remove or move for that player"))
    if problems:
        raise ValidationError.of(problems)


def choice_name(title: str, game_id: int, starts: datetime) -> str:
    """How a game reads in the autocomplete list (Discord allows 100 characters, no markup)."""
    suffix = f" · {starts:%Y-%m-%d %H:%M} UTC · #{game_id}"
    return title[: CHOICE_NAME_MAX - len(suffix)] + suffix


def _where(place: int | None) -> str:
    return "a seat." if place is None else f"#{place} on the waitlist."


def _names(players: list[Participant]) -> str:
    shown = [f"<@{p.user.discord_id}>" for p in players[:NAMES_SHOWN]]
    more = len(players) - len(shown)
    return (", ".join(shown) or "nobody") + (f" and {more} more" if more > 0 else "")


async def players_text(
    actor: Actor, game_id: int, action: Action | None, user_id: int | None, to: Place | None
) -> str:
    """Do the change asked for (if any), then show the game's players and waitlist."""
    check_options(action, user_id, to)
    async with get_db_session() as session:
        done = ""
        if action is not None and user_id is not None:
            if action == "add":
                standing = await roster.add_player(session, actor, game_id, user_id)
                done = f"Added <@{user_id}>: {_where(standing.waitlist_position)}"
            elif action == "remove":
                await roster.remove_player(session, actor, game_id, user_id)
                done = f"Removed <@{user_id}>; they will be told."
            else:
                assert to is not None
                standing = await roster.move_player(session, actor, game_id, user_id, to)
                done = f"Moved <@{user_id}>: {_where(standing.waitlist_position)}"
        detail = await queries.get_game(session, actor, game_id)
        if not detail.can_manage:
            raise NotAllowed("only the host or a bot manager can change this game's players")
        game = detail.game
        lines = [
            done,
            f"**{escape_markdown(game.title)}** (game #{game.id})",
            f"Players ({len(detail.confirmed)}/{game.max_players}): {_names(detail.confirmed)}",
            f"Waitlist ({len(detail.waitlist)}): {_names(detail.waitlist)}",
        ]
        return "\n".join(line for line in lines if line)[:2000]


def add_roster_commands(group: app_commands.Group) -> None:
    """Add ``/game players`` to the ``/game`` group."""

    @group.command(name="players", description="See, add, remove or move a game's players")
    @app_commands.describe(
        game="The game's number (shown under its announcement)",
        action="What to do with the player",
        user="The player",
        to="Where a moved player goes",
    )
    async def players_command(
        interaction: Interaction,
        game: app_commands.Range[int, 1, 2**63 - 1],
        action: Action | None = None,
        user: discord.User | None = None,
        to: Place | None = None,
    ) -> None:
        user_id = None if user is None else user.id
        work = players_text(actor_from(interaction), game, action, user_id, to)
        await reply(interaction, work)

    @players_command.autocomplete("game")
    async def game_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        async with get_db_session() as session:
            found = await roster.manageable_games(
                session, actor_from(interaction), interaction.guild_id, current
            )
        return [
            app_commands.Choice(
                name=choice_name(g.title, g.game_id, g.scheduled_at), value=g.game_id
            )
            for g in found
        ]

"""The /game command group; each slice adds its subcommands from its own module."""

from __future__ import annotations

from collections.abc import Callable

from discord import app_commands

GroupFiller = Callable[[app_commands.Group], None]


def game_group(*fillers: GroupFiller) -> app_commands.Group:
    """/game in servers only, with the subcommands each ``filler`` adds."""
    group = app_commands.Group(
        name="game", description="Host games: create, edit, cancel, players", guild_only=True
    )
    for fill in fillers:
        fill(group)
    return group

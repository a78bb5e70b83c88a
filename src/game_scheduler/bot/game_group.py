"""The /game command group; each slice of commands adds its subcommands to it."""

from __future__ import annotations

from discord import app_commands


def build_game_group() -> app_commands.Group:
    """An empty ``/game`` group, usable only inside a server."""
    return app_commands.Group(name="game", description="Host and manage games", guild_only=True)

"""Cancel / Keep under the host's quorum DM; custom ids carry the game, so restarts keep them."""

from __future__ import annotations

import re
from typing import Any

import discord

from game_scheduler.bot.interactions import reply
from game_scheduler.database import get_db_session
from game_scheduler.errors import GameSchedulerError, NotFound
from game_scheduler.services.quorum import answer_short_game

QUORUM_ID = "gs:quorum:{choice}:{game_id}"

Button = discord.ui.Button[discord.ui.View]


async def quorum_reply(host_discord_id: int, game_id: int, *, keep: bool) -> str:
    """Apply the host's choice and say what became of the game."""
    try:
        async with get_db_session() as session:
            game = await answer_short_game(session, host_discord_id, game_id, keep=keep)
    except NotFound:
        return "This game no longer exists."
    except GameSchedulerError as error:
        return str(error)
    if keep:
        return f"**{game.title}** goes ahead with the players it has."
    return f"**{game.title}** is cancelled; the players are told."


class QuorumButton(
    discord.ui.DynamicItem[Button],
    template=r"gs:quorum:(?P<choice>keep|cancel):(?P<game_id>[0-9]+)",
):
    """The host keeps or cancels the short game named in the custom id."""

    def __init__(self, game_id: int, choice: str) -> None:
        keep = choice == "keep"
        super().__init__(
            discord.ui.Button(
                label="Keep it" if keep else "Cancel the game",
                style=discord.ButtonStyle.success if keep else discord.ButtonStyle.danger,
                custom_id=QUORUM_ID.format(choice=choice, game_id=game_id),
            )
        )
        self.game_id = game_id
        self.keep = keep

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> QuorumButton:
        return cls(int(match["game_id"]), match["choice"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await reply(interaction, quorum_reply(interaction.user.id, self.game_id, keep=self.keep))


def quorum_view(game_id: int) -> discord.ui.View:
    """The two buttons under the host's DM."""
    view = discord.ui.View(timeout=None)
    view.add_item(QuorumButton(game_id, "cancel"))
    view.add_item(QuorumButton(game_id, "keep"))
    return view

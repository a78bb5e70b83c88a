"""Join / Leave buttons whose custom ids carry the game id, so they work after any restart.

Maybe and Can't live in ``rsvp_buttons``; the announcement shows all four and its links.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from game_scheduler.bot.interactions import actor_from, reply
from game_scheduler.bot.rsvp_buttons import RSVP_ITEMS, CantButton, MaybeButton, add_links
from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.errors import AlreadyJoined, NotAllowed, NotFound, NotJoined
from game_scheduler.services import signups

JOIN_ID = "gs:join:{game_id}"
LEAVE_ID = "gs:leave:{game_id}"

Button = discord.ui.Button[discord.ui.View]


async def join_reply(actor: Actor, game_id: int) -> str:
    """Sign the clicking user up and say where they stand."""
    try:
        async with get_db_session() as session:
            standing = await signups.join_game(session, actor, game_id)
    except AlreadyJoined:
        return "You're already signed up for this game."
    except NotFound:
        return "This game no longer exists."
    except NotAllowed:
        return "You're not allowed to join this game."
    title = standing.game.title
    if standing.confirmed:
        return f"You're in! You hold a seat in **{title}**."
    return (
        f"**{title}** is full: you're on the waitlist at position {standing.waitlist_position}. "
        "You'll get a DM if a seat frees up."
    )


async def leave_reply(actor: Actor, game_id: int) -> str:
    """Drop the clicking user's signup and confirm it."""
    try:
        async with get_db_session() as session:
            standing = await signups.leave_game(session, actor, game_id)
    except NotJoined:
        return "You're not signed up for this game."
    except NotFound:
        return "This game no longer exists."
    return f"You left **{standing.game.title}**."


class JoinButton(discord.ui.DynamicItem[Button], template=r"gs:join:(?P<game_id>[0-9]+)"):
    """Join the game named in the custom id."""

    def __init__(self, game_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Join",
                style=discord.ButtonStyle.success,
                custom_id=JOIN_ID.format(game_id=game_id),
                disabled=disabled,
            )
        )
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> JoinButton:
        return cls(int(match["game_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await reply(interaction, join_reply(actor_from(interaction), self.game_id))


class LeaveButton(discord.ui.DynamicItem[Button], template=r"gs:leave:(?P<game_id>[0-9]+)"):
    """Leave the game named in the custom id."""

    def __init__(self, game_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Leave",
                style=discord.ButtonStyle.secondary,
                custom_id=LEAVE_ID.format(game_id=game_id),
                disabled=disabled,
            )
        )
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> LeaveButton:
        return cls(int(match["game_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await reply(interaction, leave_reply(actor_from(interaction), self.game_id))


def announcement_view(
    game_id: int, *, joinable: bool, links: tuple[tuple[str, str], ...] = ()
) -> discord.ui.View:
    """The buttons under an announcement, greyed out once signups close; links stay usable."""
    view = discord.ui.View(timeout=None)
    view.add_item(JoinButton(game_id, disabled=not joinable))
    view.add_item(MaybeButton(game_id, disabled=not joinable))
    view.add_item(CantButton(game_id, disabled=not joinable))
    view.add_item(LeaveButton(game_id, disabled=not joinable))
    add_links(view, links)
    return view


DYNAMIC_ITEMS = (JoinButton, LeaveButton, *RSVP_ITEMS)

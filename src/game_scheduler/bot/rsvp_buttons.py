"""Maybe and Can't buttons on the announcement, and "Can't make it" on reminder DMs.

Their custom ids carry the game id (``gs:maybe:<id>``, ``gs:cant:<id>``, ``gs:dmcant:<id>``),
so they work after any restart of the bot, like Join and Leave.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from game_scheduler.bot.interactions import actor_from, reply
from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.rsvp import Response
from game_scheduler.errors import NotAllowed, NotFound, NotJoined
from game_scheduler.services import signups

MAYBE_ID = "gs:maybe:{game_id}"
CANT_ID = "gs:cant:{game_id}"
DM_CANT_ID = "gs:dmcant:{game_id}"

Button = discord.ui.Button[discord.ui.View]


async def answer_reply(actor: Actor, game_id: int, answer: Response) -> str:
    """Record maybe / can't for the clicking user and say what it means."""
    try:
        async with get_db_session() as session:
            standing = await signups.respond(session, actor, game_id, answer)
    except NotFound:
        return "This game no longer exists."
    except NotAllowed:
        return "You're not allowed to answer for this game."
    title = standing.game.title
    if answer is Response.MAYBE:
        return f"Noted: **maybe** for **{title}**. You hold no seat; press Join to take one."
    return f"Noted: you **can't make it** to **{title}**. Press Join if that changes."


async def dm_cant_reply(discord_id: int, game_id: int) -> str:
    """The reminder DM's button: give up the seat (the waitlist gets it) and confirm."""
    try:
        async with get_db_session() as session:
            standing = await signups.decline_from_dm(session, discord_id, game_id)
    except NotJoined:
        return "You're not signed up for this game any more."
    except NotFound:
        return "This game no longer exists."
    return (
        f"Noted: you can't make it to **{standing.game.title}**. "
        "Your seat goes to the next player waiting, and the host sees your answer."
    )


def _button(label: str, style: discord.ButtonStyle, custom_id: str, disabled: bool) -> Button:
    return discord.ui.Button(label=label, style=style, custom_id=custom_id, disabled=disabled)


class MaybeButton(discord.ui.DynamicItem[Button], template=r"gs:maybe:(?P<game_id>[0-9]+)"):
    """Answer maybe for the game named in the custom id."""

    def __init__(self, game_id: int, *, disabled: bool = False) -> None:
        custom_id = MAYBE_ID.format(game_id=game_id)
        super().__init__(_button("Maybe", discord.ButtonStyle.primary, custom_id, disabled))
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MaybeButton:
        return cls(int(match["game_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await reply(
            interaction, answer_reply(actor_from(interaction), self.game_id, Response.MAYBE)
        )


class CantButton(discord.ui.DynamicItem[Button], template=r"gs:cant:(?P<game_id>[0-9]+)"):
    """Answer "can't make it" for the game named in the custom id."""

    def __init__(self, game_id: int, *, disabled: bool = False) -> None:
        custom_id = CANT_ID.format(game_id=game_id)
        super().__init__(_button("Can't", discord.ButtonStyle.danger, custom_id, disabled))
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CantButton:
        return cls(int(match["game_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        work = answer_reply(actor_from(interaction), self.game_id, Response.DECLINED)
        await reply(interaction, work)


class DmCantButton(discord.ui.DynamicItem[Button], template=r"gs:dmcant:(?P<game_id>[0-9]+)"):
    """ "Can't make it" under a reminder DM: the clicking user gives up their signup's seat."""

    def __init__(self, game_id: int) -> None:
        custom_id = DM_CANT_ID.format(game_id=game_id)
        super().__init__(_button("Can't make it", discord.ButtonStyle.danger, custom_id, False))
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DmCantButton:
        return cls(int(match["game_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await reply(interaction, dm_cant_reply(interaction.user.id, self.game_id))


def reminder_view(game_id: int) -> discord.ui.View:
    """The button under a reminder DM."""
    view = discord.ui.View(timeout=None)
    view.add_item(DmCantButton(game_id))
    return view


def add_links(view: discord.ui.View, links: tuple[tuple[str, str], ...]) -> None:
    """Link buttons (label, URL) on a row of their own under the answers."""
    for label, url in links:
        view.add_item(discord.ui.Button(label=label, url=url, row=1))


RSVP_ITEMS = (MaybeButton, CantButton, DmCantButton)

"""Accept / Pass and Keep / Can't buttons under offer DMs; the custom id carries the offer id."""

from __future__ import annotations

import re
from typing import Any

import discord

from game_scheduler.bot.interactions import actor_from, reply
from game_scheduler.database import get_db_session
from game_scheduler.domain.offers import OfferKind
from game_scheduler.domain.permissions import Actor
from game_scheduler.messaging.events import DmKind
from game_scheduler.services import seat_offers

OFFER_ID = "gs:offer:{offer_id}:{answer}"
LABELS = {
    DmKind.SEAT_OFFER: ("Accept", "Pass"),
    DmKind.RECONFIRM: ("Keep my seat", "Can't make it"),
}

Button = discord.ui.Button[discord.ui.View]


async def answer_reply(actor: Actor, offer_id: int, accept: bool) -> str:
    """Answer the offer as the clicking user; domain errors become the reply (only they may)."""
    async with get_db_session() as session:
        answered = await seat_offers.answer_offer(session, actor, offer_id, accept=accept)
    title = f"**{answered.game.title}**"
    if answered.kind is OfferKind.SEAT:
        if answered.holds_seat:
            return f"You're in! The seat in {title} is yours."
        return f"Thanks for letting us know: the seat in {title} goes to the next player."
    if answered.holds_seat:
        return f"Great, you keep your seat in {title}."
    return f"Thanks for letting us know: your seat in {title} was given up."


class OfferButton(
    discord.ui.DynamicItem[Button], template=r"gs:offer:(?P<offer_id>[0-9]+):(?P<answer>yes|no)"
):
    """One answer (yes: Accept / Keep, no: Pass / Can't) to the offer named in the custom id."""

    def __init__(self, offer_id: int, accept: bool, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or ("Yes" if accept else "No"),
                style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
                custom_id=OFFER_ID.format(offer_id=offer_id, answer="yes" if accept else "no"),
            )
        )
        self.offer_id = offer_id
        self.accept = accept

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OfferButton:
        return cls(int(match["offer_id"]), match["answer"] == "yes")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await reply(interaction, answer_reply(actor_from(interaction), self.offer_id, self.accept))


def offer_view(offer_id: int, kind: DmKind) -> discord.ui.View | None:
    """The two answers under an offer DM (None for a DM that asks nothing)."""
    labels = LABELS.get(kind)
    if labels is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(OfferButton(offer_id, True, labels[0]))
    view.add_item(OfferButton(offer_id, False, labels[1]))
    return view


OFFER_ITEMS = (OfferButton,)

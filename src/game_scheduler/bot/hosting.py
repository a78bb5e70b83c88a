"""/game create, /game edit and /game cancel: host from Discord through the web's services."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from game_scheduler.bot.game_form import Answer, GameForm, problems_text
from game_scheduler.bot.game_prefill import game_choices, source_choices, template_choices
from game_scheduler.bot.hosting_answers import (
    Scope,
    cancel_answer,
    create_answer,
    create_form,
    edit_answer,
    edit_form,
)
from game_scheduler.bot.interactions import NO_PINGS, REPLY_BUDGET_SECONDS, actor_from
from game_scheduler.domain import games as rules
from game_scheduler.errors import GameSchedulerError

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
Button = discord.ui.Button[discord.ui.View]
EDIT_ID = "gs:edit:{game_id}"
MODAL_TIMEOUT_SECONDS = 15 * 60


class EditButton(discord.ui.DynamicItem[Button], template=r"gs:edit:(?P<game_id>[0-9]+)"):
    """Reopen the game's modal, prefilled; works after a restart (the id is in the custom id)."""

    def __init__(self, game_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Edit",
                style=discord.ButtonStyle.secondary,
                custom_id=EDIT_ID.format(game_id=game_id),
            )
        )
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> EditButton:
        return cls(int(match["game_id"]))

    async def callback(self, interaction: Interaction) -> None:
        await open_edit_modal(interaction, self.game_id)


HOSTING_ITEMS = (EditButton,)


def _view_of(answer: Answer) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if answer.game_id is not None:
        view.add_item(EditButton(answer.game_id))
    return view


async def send_answer(interaction: Interaction, work: Awaitable[Answer], heading: str) -> None:
    """Reply privately with the answer (and its Edit button); defer first if it is slow."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=REPLY_BUDGET_SECONDS)
    if task not in done:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.wait({task})
    error = task.exception()
    if error is None:
        answer, view = task.result(), _view_of(task.result())
    elif isinstance(error, GameSchedulerError):
        answer, view = Answer(problems_text(error, heading)), discord.ui.View()
    else:
        log.error("hosting interaction failed", exc_info=error)
        answer = Answer("Something went wrong on our side; please try again in a moment.")
        view = discord.ui.View()
    if interaction.response.is_done():
        await interaction.followup.send(
            answer.content, view=view, ephemeral=True, allowed_mentions=NO_PINGS
        )
    else:
        await interaction.response.send_message(
            answer.content, view=view, ephemeral=True, allowed_mentions=NO_PINGS
        )


class GameModal(discord.ui.Modal):
    """Title, when, seats and description; ``submitted`` decides what the form does."""

    def __init__(
        self,
        heading: str,
        prefill: GameForm,
        submitted: Callable[[Interaction, GameForm], Awaitable[None]],
    ) -> None:
        super().__init__(title=heading, timeout=MODAL_TIMEOUT_SECONDS)
        self.submitted = submitted
        self.title_input: discord.ui.TextInput[GameModal] = discord.ui.TextInput(
            label="Title", max_length=rules.TITLE_MAX, default=prefill.title or None
        )
        self.when_input: discord.ui.TextInput[GameModal] = discord.ui.TextInput(
            label="When",
            placeholder="2026-12-05 20:00 · tomorrow 8pm · fri 20:00 · in 2h",
            max_length=100,
            default=prefill.when or None,
        )
        self.seats_input: discord.ui.TextInput[GameModal] = discord.ui.TextInput(
            label="Seats",
            placeholder="Blank: the channel's default",
            required=False,
            max_length=4,
            default=prefill.seats or None,
        )
        self.description_input: discord.ui.TextInput[GameModal] = discord.ui.TextInput(
            label="Description",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=rules.TEXT_MAX,
            default=prefill.description or None,
        )
        for item in (self.title_input, self.when_input, self.seats_input, self.description_input):
            self.add_item(item)

    def form(self) -> GameForm:
        return GameForm(
            title=self.title_input.value,
            when=self.when_input.value,
            seats=self.seats_input.value,
            description=self.description_input.value,
        )

    async def on_submit(self, interaction: Interaction) -> None:
        await self.submitted(interaction, self.form())


async def open_edit_modal(interaction: Interaction, game_id: int, scope: Scope = "this") -> None:
    """The game's modal, prefilled; or a private note why the actor cannot edit it."""
    actor = actor_from(interaction)
    try:
        before, version, title = await edit_form(actor, game_id, scope)
    except GameSchedulerError as error:
        await interaction.response.send_message(
            problems_text(error, "Can't edit this game:"), ephemeral=True
        )
        return

    async def submitted(submit: Interaction, form: GameForm) -> None:
        work = edit_answer(actor_from(submit), game_id, form, before, version, scope)
        await send_answer(submit, work, "Nothing was changed:")

    heading = f"Edit: {title}" if scope == "this" else f"Edit from here on: {title}"
    await interaction.response.send_modal(GameModal(heading[:45], before, submitted))


def add_hosting_commands(group: app_commands.Group) -> None:
    """/game create, /game edit, /game cancel (made anew for each group: a command has one)."""

    @group.command(name="create", description="Post a game in this channel")
    @app_commands.describe(
        reminders='Minutes before the start, e.g. "60, 15"; "none"; blank for the channel\'s',
        place="Where you play (a table, a voice channel, an address)",
        template="Start from one of the server's templates",
        source="Start from one of your games (posted again, a week on)",
    )
    @app_commands.rename(source="from")
    @app_commands.autocomplete(template=template_choices, source=source_choices)
    async def create_command(
        interaction: Interaction,
        reminders: app_commands.Range[str, 1, 100] | None = None,
        place: app_commands.Range[str, 1, rules.LOCATION_MAX] | None = None,
        template: int | None = None,
        source: int | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        assert interaction.channel_id is not None
        guild_id, channel_id = interaction.guild_id, interaction.channel_id
        try:
            prefill, base = await create_form(actor_from(interaction), guild_id, template, source)
        except GameSchedulerError as error:
            await interaction.response.send_message(
                problems_text(error, "Can't start from that:"), ephemeral=True
            )
            return

        async def submitted(submit: Interaction, form: GameForm) -> None:
            actor = actor_from(submit)
            work = create_answer(actor, guild_id, channel_id, form, reminders, place, base)
            await send_answer(submit, work, "The game was not posted:")

        await interaction.response.send_modal(GameModal("New game", prefill, submitted))

    @group.command(name="edit", description="Change one of your games")
    @app_commands.describe(
        game="One of your upcoming games",
        scope="For a series: this game only, or this one and every following one",
    )
    @app_commands.autocomplete(game=game_choices)
    async def edit_command(interaction: Interaction, game: int, scope: Scope = "this") -> None:
        await open_edit_modal(interaction, game, scope)

    @group.command(name="cancel", description="Cancel one of your games")
    @app_commands.describe(game="One of your upcoming games", reason="Told to the players")
    @app_commands.autocomplete(game=game_choices)
    async def cancel_command(
        interaction: Interaction, game: int, reason: app_commands.Range[str, 1, 500] | None = None
    ) -> None:
        work = cancel_answer(actor_from(interaction), game, reason)
        await send_answer(interaction, work, "The game was not cancelled:")

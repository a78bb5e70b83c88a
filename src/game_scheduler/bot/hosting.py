"""/game create, /game edit and /game cancel: host from Discord through the web's services."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import discord
from discord import app_commands

from game_scheduler.bot import command_text as text
from game_scheduler.bot.interactions import NO_PINGS, REPLY_BUDGET_SECONDS, actor_from, sentence
from game_scheduler.database import get_db_session
from game_scheduler.domain import games as rules
from game_scheduler.domain import status
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.when import parse_when
from game_scheduler.domain.zones import ZoneInUse
from game_scheduler.errors import GameSchedulerError, ValidationError
from game_scheduler.models import Game, utcnow
from game_scheduler.services import games, hosted_games, series, zones
from game_scheduler.services.loading import check_can_manage, load_game

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
Button = discord.ui.Button[discord.ui.View]
EDIT_ID = "gs:edit:{game_id}"
MODAL_TIMEOUT_SECONDS = 15 * 60
WHEN_FORMAT = "%Y-%m-%d %H:%M"
# The services' field names as the host sees them in Discord.
LABELS = {
    "scheduled_at": "when",
    "max_players": "seats",
    "min_players": "seats",
    "reminder_offsets": "reminders",
    "location": "place",
    "channel_discord_id": "channel",
}
Scope = Literal["this", "following"]
NOT_A_SERIES = (
    "this game is not part of a series, so there are no following games; edit it with scope: this"
)


@dataclass(frozen=True)
class GameForm:
    """What the modal holds, as typed."""

    title: str = ""
    when: str = ""
    seats: str = ""
    description: str = ""


@dataclass(frozen=True)
class Answer:
    """An ephemeral reply: its text and, when it confirms a game, the Edit button."""

    content: str
    game_id: int | None = None


def parse_seats(value: str) -> int | None:
    """Blank: the channel's or server's cap; else a whole number of seats."""
    cleaned = value.strip()
    if not cleaned:
        return None
    if not re.fullmatch(r"[0-9]{1,4}", cleaned):
        raise ValidationError("seats must be a whole number of players, like 5", "max_players")
    return int(cleaned)


def problems_text(error: GameSchedulerError, heading: str) -> str:
    """Every problem at once, one line each, named as the modal names its fields."""
    if not isinstance(error, ValidationError) or len(error.problems) < 2:
        field = error.field if isinstance(error, ValidationError) else None
        prefix = f"{LABELS.get(field, field)}: " if field else ""
        return f"{heading}\n• {prefix}{sentence(error)}"
    lines = [f"• {LABELS.get(f, f)}: {m}" if f else f"• {m}" for f, m in error.problems]
    return "\n".join([heading, *lines])


def confirmation(verb: str, game: Game, zone: ZoneInUse) -> str:
    """What was saved, with the time as Discord shows it to each reader and the zone used."""
    start = int(game.scheduled_at.timestamp())
    local = game.scheduled_at.astimezone(zone.zone).strftime(WHEN_FORMAT)
    return (
        f"{verb} **{discord.utils.escape_markdown(game.title)}** for <t:{start}:F> (<t:{start}:R>)."
        f"\nRead as {local} in {zone.label()}; change it with /timezone."
        f" Seats: {game.max_players}. [Announcement]({text.announcement_link(game)})"
    )


def _check_fields(checks: Checks, form: GameForm, place: str) -> None:
    """The field rules the service would run, so a bad "when" is reported with the rest."""
    checks.run(rules.clean_title, form.title)
    checks.run(rules.clean_text, form.description, "description")
    checks.run(rules.clean_text, place, "location", rules.LOCATION_MAX)


async def _read_when(form: GameForm, zone: ZoneInUse, checks: Checks) -> Any:
    """The typed time in the zone, off the event loop (dateparser is CPU work)."""
    return await asyncio.to_thread(checks.run, parse_when, form.when, zone.zone, utcnow())


async def create_answer(
    actor: Actor,
    guild_id: int,
    channel_id: int,
    form: GameForm,
    reminders: str | None,
    place: str | None,
) -> Answer:
    """Post the game the modal describes, or name everything wrong with it."""
    async with get_db_session() as session:
        zone = await zones.zone_for(session, actor, guild_id)
    checks = Checks()
    start = await _read_when(form, zone, checks)
    seats = checks.run(parse_seats, form.seats)
    offsets = None if reminders is None else checks.run(text.parse_offsets, reminders)
    if checks.problems:
        _check_fields(checks, form, place or "")
        checks.raise_any()
    draft = games.GameDraft(
        channel_discord_id=channel_id,
        title=form.title,
        scheduled_at=start,
        description=form.description,
        location=place or "",
        max_players=seats,
        reminder_offsets=offsets,
    )
    async with get_db_session() as session:
        game = await games.create_game(session, actor, draft)
        return Answer(confirmation("Posted", game, zone), game.id)


async def edit_answer(
    actor: Actor,
    game_id: int,
    form: GameForm,
    before: GameForm,
    version: int,
    scope: Scope = "this",
) -> Answer:
    """Apply what the host changed in the prefilled modal (nothing else), or name the problems.

    ``following`` changes this series game and every later one, as the web's scope does.
    """
    async with get_db_session() as session:
        guild_id = (await load_game(session, game_id, actor)).guild.discord_id
        zone = await zones.zone_for(session, actor, guild_id)
    checks = Checks()
    given: dict[str, object] = {}
    if form.title != before.title:
        given["title"] = form.title
    if form.description != before.description:
        given["description"] = form.description
    if form.when.strip() != before.when:
        given["scheduled_at"] = await _read_when(form, zone, checks)
    if form.seats.strip() != before.seats:
        given["max_players"] = checks.run(parse_seats, form.seats)
    if checks.problems:
        _check_fields(checks, form, "")
        checks.raise_any()
    async with get_db_session() as session:
        changes = games.GameChanges(**given)
        if scope == "following":
            game = await series.update_following(session, actor, game_id, changes, version)
            verb = "Updated this and the following games of"
        else:
            game = await games.update_game(session, actor, game_id, changes, version)
            verb = "Updated"
        return Answer(confirmation(verb, game, zone), game.id)


async def cancel_answer(actor: Actor, game_id: int, reason: str | None) -> Answer:
    """Cancel the game; everyone signed up is told by DM, with ``reason`` when one is given."""
    async with get_db_session() as session:
        game = await games.cancel_game(session, actor, game_id, reason)
    told = " with your reason" if game.cancel_reason else ""
    return Answer(
        f"Cancelled **{discord.utils.escape_markdown(game.title)}**;"
        f" everyone signed up gets a DM{told}."
    )


async def edit_form(actor: Actor, game_id: int, scope: Scope = "this") -> tuple[GameForm, int, str]:
    """The modal's prefill for a game the actor may change, its version and its title."""
    async with get_db_session() as session:
        game = await load_game(session, game_id, actor)
        check_can_manage(actor, game)
        if game.status in status.FINAL:
            raise ValidationError(f"a {game.status.value.lower()} game cannot be edited")
        if scope == "following" and game.series_id is None:
            raise ValidationError(NOT_A_SERIES, "scope")
        zone = await zones.zone_for(session, actor, game.guild.discord_id)
        form = GameForm(
            title=game.title,
            when=game.scheduled_at.astimezone(zone.zone).strftime(WHEN_FORMAT),
            seats=str(game.max_players),
            description=game.description,
        )
        return form, game.version, game.title


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


async def game_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    """The host's upcoming games here whose title holds what they typed, soonest first."""
    if interaction.guild_id is None:
        return []
    actor = actor_from(interaction)
    async with get_db_session() as session:
        found = await hosted_games.hosted_upcoming(session, actor, interaction.guild_id, current)
        zone = await zones.zone_for(session, actor, interaction.guild_id)
    return [
        app_commands.Choice(
            name=f"{game.title[:70]} · {game.scheduled_at.astimezone(zone.zone):%a %d %b %H:%M}",
            value=game.id,
        )
        for game in found
    ]


def add_hosting_commands(group: app_commands.Group) -> None:
    """/game create, /game edit, /game cancel (made anew for each group: a command has one)."""

    @group.command(name="create", description="Post a game in this channel")
    @app_commands.describe(
        reminders='Minutes before the start, e.g. "60, 15"; "none"; blank for the channel\'s',
        place="Where you play (a table, a voice channel, an address)",
    )
    async def create_command(
        interaction: Interaction,
        reminders: app_commands.Range[str, 1, 100] | None = None,
        place: app_commands.Range[str, 1, rules.LOCATION_MAX] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        assert interaction.channel_id is not None
        guild_id, channel_id = interaction.guild_id, interaction.channel_id

        async def submitted(submit: Interaction, form: GameForm) -> None:
            work = create_answer(actor_from(submit), guild_id, channel_id, form, reminders, place)
            await send_answer(submit, work, "The game was not posted:")

        await interaction.response.send_modal(GameModal("New game", GameForm(), submitted))

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

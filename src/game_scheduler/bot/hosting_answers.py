"""What /game create, edit and cancel do, given the modal's fields: the replies they give."""

from __future__ import annotations

from typing import Literal

import discord

from game_scheduler.bot import command_text as text
from game_scheduler.bot.game_form import (
    WHEN_FORMAT,
    Answer,
    GameForm,
    check_fields,
    confirmation,
    parse_seats,
    read_when,
)
from game_scheduler.bot.game_prefill import starting_fields
from game_scheduler.database import get_db_session
from game_scheduler.domain import status
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.permissions import Actor
from game_scheduler.errors import ValidationError
from game_scheduler.services import games, series_split, zones
from game_scheduler.services.game_defaults import GameDefaults
from game_scheduler.services.loading import check_can_manage, load_game

Scope = Literal["this", "following"]
NOT_A_SERIES = (
    "this game is not part of a series, so there are no following games; edit it with scope: this"
)


async def create_form(
    actor: Actor, guild_id: int, template_id: int | None, game_id: int | None
) -> tuple[GameForm, GameDefaults | None]:
    """The modal's prefill from a template or a game (a copy's time in the host's zone)."""
    base = await starting_fields(actor, guild_id, template_id, game_id)
    if base is None:
        return GameForm(), None
    when = ""
    if base.scheduled_at is not None:
        async with get_db_session() as session:
            zone = await zones.zone_for(session, actor, guild_id)
        when = base.scheduled_at.astimezone(zone.zone).strftime(WHEN_FORMAT)
    seats = "" if base.max_players is None else str(base.max_players)
    return GameForm(base.title, when, seats, base.description), base


async def create_answer(
    actor: Actor,
    guild_id: int,
    channel_id: int,
    form: GameForm,
    reminders: str | None,
    place: str | None,
    base: GameDefaults | None = None,
) -> Answer:
    """Post the game the modal describes, or name everything wrong with it.

    ``base`` (a template's or a copied game's fields) gives what the modal does not show:
    place, duration, minimum players, reminders and signup instructions, unless the
    command's own ``reminders`` or ``place`` say otherwise.
    """
    base = base or GameDefaults(title="")
    async with get_db_session() as session:
        zone = await zones.zone_for(session, actor, guild_id)
    checks = Checks()
    start = await read_when(form, zone, checks)
    seats = checks.run(parse_seats, form.seats)
    offsets = base.reminder_offsets
    if reminders is not None:
        offsets = checks.run(text.parse_offsets, reminders)
    location = base.location if place is None else place
    if checks.problems:
        check_fields(checks, form, location)
        checks.raise_any()
    draft = games.GameDraft(
        channel_discord_id=channel_id,
        title=form.title,
        scheduled_at=start,
        description=form.description,
        location=location,
        signup_instructions=base.signup_instructions,
        duration_minutes=base.duration_minutes,
        max_players=seats,
        min_players=base.min_players,
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
        given["scheduled_at"] = await read_when(form, zone, checks)
    if form.seats.strip() != before.seats:
        given["max_players"] = checks.run(parse_seats, form.seats)
    if checks.problems:
        check_fields(checks, form, "")
        checks.raise_any()
    async with get_db_session() as session:
        changes = games.GameChanges(**given)
        if scope == "following" and given:  # nothing changed: no reason to split the series
            game = await series_split.update_following(session, actor, game_id, changes, version)
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

"""Server templates and duplicates: the fields a new game starts from, so nobody retypes them.

Managers (Manage Server, as for server settings) keep the templates; any member may read them
and post from them. ``game_fields_from_template`` and ``game_fields_from_game`` give the form
defaults every entrypoint (web form, API, ``/game create``) starts from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from game_scheduler.database import lock_for_write
from game_scheduler.domain import games as rules
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.history import duplicate_start
from game_scheduler.domain.permissions import Actor, can_see
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.errors import NotFound, ValidationError
from game_scheduler.models import Channel, Game, GameTemplate, Guild, utcnow
from game_scheduler.services import games
from game_scheduler.services.loading import load_game
from game_scheduler.services.settings import check_configure

NAME_MAX = 100
MAX_TEMPLATES = 100
MAX_ROLE_ID = 2**63 - 1


class TemplateDraft(BaseModel):
    """A template as a manager writes it; unset seats, duration and reminders are inherited."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    description: str = ""
    location: str = ""
    max_players: int | None = None
    min_players: int = 1
    duration_minutes: int | None = None
    reminder_offsets: list[int] | None = None
    channel_discord_id: int | None = None
    ping_role_id: int | None = None


@dataclass(frozen=True)
class GameDefaults:
    """What a new game's form starts with; ``scheduled_at`` None leaves the time to the host."""

    title: str
    description: str = ""
    location: str = ""
    signup_instructions: str = ""
    channel_discord_id: int | None = None
    scheduled_at: datetime | None = None
    duration_minutes: int | None = None
    max_players: int | None = None
    min_players: int = 1
    reminder_offsets: list[int] | None = None
    ping_role_id: int | None = None
    # A game's own rules (None: inherited); a duplicate keeps them, templates have none.
    quorum_deadline_minutes: int | None = None
    seat_mode: str | None = None
    offer_window_minutes: int | None = None
    reconfirm_frees_seat: bool | None = None
    remind_maybe: bool | None = None

    def draft(self, channel_discord_id: int, scheduled_at: datetime) -> games.GameDraft:
        """The game to post from these defaults, in that channel at that time."""
        return games.GameDraft(
            channel_discord_id=channel_discord_id,
            title=self.title,
            scheduled_at=scheduled_at,
            description=self.description,
            location=self.location,
            signup_instructions=self.signup_instructions,
            duration_minutes=self.duration_minutes,
            max_players=self.max_players,
            min_players=self.min_players,
            reminder_offsets=self.reminder_offsets,
            quorum_deadline_minutes=self.quorum_deadline_minutes,
            seat_mode=self.seat_mode,
            offer_window_minutes=self.offer_window_minutes,
            reconfirm_frees_seat=self.reconfirm_frees_seat,
            remind_maybe=self.remind_maybe,
        )


async def _guild(db: AsyncSession, actor: Actor, guild_discord_id: int) -> Guild:
    guild = await db.scalar(select(Guild).where(Guild.discord_id == guild_discord_id))
    if guild is None or not can_see(actor, guild_discord_id):
        raise NotFound(f"server {guild_discord_id} is not known to the bot")
    return guild


async def list_templates(
    db: AsyncSession, actor: Actor, guild_discord_id: int
) -> list[GameTemplate]:
    """A server's templates by name; any member may read them."""
    guild = await _guild(db, actor, guild_discord_id)
    rows = await db.scalars(
        select(GameTemplate)
        .where(GameTemplate.guild_id == guild.id)
        .options(joinedload(GameTemplate.channel))
        .order_by(GameTemplate.name, GameTemplate.id)
    )
    return list(rows)


async def get_template(
    db: AsyncSession, actor: Actor, guild_discord_id: int, template_id: int
) -> GameTemplate:
    """One of a server's templates; another server's is not found."""
    guild = await _guild(db, actor, guild_discord_id)
    template = await db.scalar(
        select(GameTemplate)
        .where(GameTemplate.id == template_id, GameTemplate.guild_id == guild.id)
        .options(joinedload(GameTemplate.channel))
    )
    if template is None:
        raise NotFound(f"template {template_id} not found in this server")
    return template


async def _check_draft(
    db: AsyncSession, guild: Guild, draft: TemplateDraft, template_id: int | None
) -> dict[str, object]:
    """Every field checked by the games' own rules; all problems reported at once."""
    checks = Checks()
    name = checks.run(rules.clean_text, draft.name, "name", NAME_MAX)
    if name == "":
        checks.problems.append(("name", "name must not be empty"))
    elif name is not None:
        clash = await db.scalar(
            select(GameTemplate.id).where(
                GameTemplate.guild_id == guild.id, GameTemplate.name == name
            )
        )
        if clash is not None and clash != template_id:
            checks.problems.append(("name", "this server already has a template of that name"))
    max_players = None
    if draft.max_players is not None:
        max_players = checks.run(rules.check_max_players, draft.max_players)
    cap = max_players or rules.MAX_PLAYERS_LIMIT
    channel_id = None
    if draft.channel_discord_id is not None:
        channel_id = await db.scalar(
            select(Channel.id).where(
                Channel.discord_id == draft.channel_discord_id, Channel.guild_id == guild.id
            )
        )
        if channel_id is None:
            checks.problems.append(("channel_id", "choose a channel of this server"))
    if draft.ping_role_id is not None and not 1 <= draft.ping_role_id <= MAX_ROLE_ID:
        checks.problems.append(("ping_role_id", "must be a Discord role id"))
    fields: dict[str, object] = {
        "name": name,
        "title": checks.run(rules.clean_title, draft.title),
        "description": checks.run(rules.clean_text, draft.description, "description"),
        "location": checks.run(rules.clean_text, draft.location, "location", rules.LOCATION_MAX),
        "max_players": max_players,
        "min_players": checks.run(rules.check_min_players, draft.min_players, cap),
        "duration_minutes": None
        if draft.duration_minutes is None
        else checks.run(rules.check_duration, draft.duration_minutes),
        "reminder_offsets": None
        if draft.reminder_offsets is None
        else checks.run(validate_offsets, draft.reminder_offsets),
        "channel_id": channel_id,
        "ping_role_id": draft.ping_role_id,
    }
    checks.raise_any()
    return fields


async def _commit_named(db: AsyncSession) -> None:
    """Commit; a name taken meanwhile by a concurrent save is the same 422 as one taken before."""
    try:
        await db.commit()
    except IntegrityError as error:
        await db.rollback()
        raise ValidationError("this server already has a template of that name", "name") from error


async def create_template(
    db: AsyncSession, actor: Actor, guild_discord_id: int, draft: TemplateDraft
) -> GameTemplate:
    """Save a new template (Manage Server only)."""
    await lock_for_write(db)
    guild = await _guild(db, actor, guild_discord_id)
    check_configure(actor, guild_discord_id)
    count = len(
        (await db.scalars(select(GameTemplate.id).where(GameTemplate.guild_id == guild.id))).all()
    )
    if count >= MAX_TEMPLATES:
        raise ValidationError(f"a server keeps at most {MAX_TEMPLATES} templates", "name")
    template = GameTemplate(guild_id=guild.id, **await _check_draft(db, guild, draft, None))
    db.add(template)
    await _commit_named(db)
    return await get_template(db, actor, guild_discord_id, template.id)


async def update_template(
    db: AsyncSession, actor: Actor, guild_discord_id: int, template_id: int, draft: TemplateDraft
) -> GameTemplate:
    """Replace a template's fields (Manage Server only)."""
    await lock_for_write(db)
    template = await get_template(db, actor, guild_discord_id, template_id)
    check_configure(actor, guild_discord_id)
    guild = await _guild(db, actor, guild_discord_id)
    for field, value in (await _check_draft(db, guild, draft, template.id)).items():
        setattr(template, field, value)
    await _commit_named(db)
    db.expire(template)
    return await get_template(db, actor, guild_discord_id, template_id)


async def delete_template(
    db: AsyncSession, actor: Actor, guild_discord_id: int, template_id: int
) -> None:
    """Remove a template; games posted from it keep their fields (Manage Server only)."""
    await lock_for_write(db)
    template = await get_template(db, actor, guild_discord_id, template_id)
    check_configure(actor, guild_discord_id)
    await db.delete(template)
    await db.commit()


def defaults_of_template(template: GameTemplate) -> GameDefaults:
    """A template's fields as form defaults (its channel loaded)."""
    return GameDefaults(
        title=template.title,
        description=template.description,
        location=template.location,
        channel_discord_id=None if template.channel is None else template.channel.discord_id,
        duration_minutes=template.duration_minutes,
        max_players=template.max_players,
        min_players=template.min_players,
        reminder_offsets=template.reminder_offsets,
        ping_role_id=template.ping_role_id,
    )


async def game_fields_from_template(
    db: AsyncSession, actor: Actor, guild_discord_id: int, template_id: int
) -> GameDefaults:
    """The form defaults of a server template, for the web form, the API and ``/game create``."""
    return defaults_of_template(await get_template(db, actor, guild_discord_id, template_id))


def defaults_of_game(game: Game, now: datetime) -> GameDefaults:
    """A game's fields as form defaults, starting a week later (the first such week ahead)."""
    return GameDefaults(
        title=game.title,
        description=game.description,
        location=game.location,
        signup_instructions=game.signup_instructions,
        channel_discord_id=game.channel.discord_id,
        scheduled_at=duplicate_start(game.scheduled_at, now),
        duration_minutes=game.duration_minutes,
        max_players=game.max_players,
        min_players=game.min_players,
        reminder_offsets=game.reminder_offsets,
        quorum_deadline_minutes=game.quorum_deadline_minutes,
        seat_mode=game.seat_mode,
        offer_window_minutes=game.offer_window_minutes,
        reconfirm_frees_seat=game.reconfirm_frees_seat,
        remind_maybe=game.remind_maybe,
    )


async def game_fields_from_game(db: AsyncSession, actor: Actor, game_id: int) -> GameDefaults:
    """The form defaults to duplicate any game the actor can see (also cancelled or past ones)."""
    return defaults_of_game(await load_game(db, game_id, actor), utcnow())


async def duplicate_game(
    db: AsyncSession, actor: Actor, game_id: int, scheduled_at: datetime | None = None
) -> Game:
    """Post a copy of a game (without its players) at ``scheduled_at``, else a week on."""
    game = await load_game(db, game_id, actor)
    defaults = defaults_of_game(game, utcnow())
    start = scheduled_at or duplicate_start(game.scheduled_at, utcnow())
    draft = defaults.draft(game.channel.discord_id, start)
    return await games.create_game(db, actor, draft)


async def create_from_template(
    db: AsyncSession,
    actor: Actor,
    guild_discord_id: int,
    template_id: int,
    scheduled_at: datetime,
    channel_discord_id: int | None = None,
) -> Game:
    """Post a game with a template's fields; the channel given wins over the template's."""
    defaults = await game_fields_from_template(db, actor, guild_discord_id, template_id)
    channel = channel_discord_id or defaults.channel_discord_id
    if channel is None:
        raise ValidationError("this template names no channel; choose one", "channel_id")
    return await games.create_game(db, actor, defaults.draft(channel, scheduled_at))


def with_start(defaults: GameDefaults, scheduled_at: datetime | None) -> GameDefaults:
    """The same defaults at another time."""
    return replace(defaults, scheduled_at=scheduled_at)

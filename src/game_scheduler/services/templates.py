"""Server templates: the fields a new game starts from, kept per server so nobody retypes them.

Managers (Manage Server, as for server settings) keep the templates; any member may read them
and post from them (``services.game_defaults``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from game_scheduler.database import lock_for_write
from game_scheduler.domain import games as rules
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.permissions import Actor, can_see
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.errors import NotFound, ValidationError
from game_scheduler.models import Channel, GameTemplate, Guild
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

"""Create, update and cancel games; each call is one transaction with its events and reminders."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.domain import games as rules
from game_scheduler.domain import permissions, status, waitlist
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.errors import NotAllowed, NotFound, StaleVersion, ValidationError
from game_scheduler.messaging.events import DmKind, EventType
from game_scheduler.messaging.outbox import commit_and_publish
from game_scheduler.models import Channel, Game, GameStatus, utcnow
from game_scheduler.services import game_events
from game_scheduler.services.loading import check_can_manage, load_game
from game_scheduler.services.registry import ensure_user
from game_scheduler.services.reminders import (
    cancel_pending_reminders,
    offsets_for,
    sync_reminders,
)


class GameDraft(BaseModel):
    """What a host fills in to post a game; unset caps and offsets are inherited."""

    model_config = ConfigDict(frozen=True)

    channel_discord_id: int
    title: str
    scheduled_at: datetime
    description: str = ""
    location: str = ""
    signup_instructions: str = ""
    duration_minutes: int | None = None
    max_players: int | None = None
    min_players: int = 1
    reminder_offsets: list[int] | None = None


class GameChanges(BaseModel):
    """A partial update: only the fields given are changed (``reminder_offsets=None`` inherits)."""

    model_config = ConfigDict(frozen=True)

    title: str | None = None
    description: str | None = None
    location: str | None = None
    signup_instructions: str | None = None
    scheduled_at: datetime | None = None
    duration_minutes: int | None = None
    max_players: int | None = None
    min_players: int | None = None
    reminder_offsets: list[int] | None = None


async def _load_channel(
    session: AsyncSession, actor: permissions.Actor, discord_id: int
) -> Channel:
    channel = (
        await session.execute(select(Channel).where(Channel.discord_id == discord_id))
    ).scalar_one_or_none()
    if channel is None:
        raise NotFound(f"channel {discord_id} is not known to the bot")
    await session.refresh(channel, ["guild"])
    if not permissions.can_see(actor, channel.guild.discord_id):
        raise NotFound(f"channel {discord_id} is not known to the bot")
    if not channel.enabled:
        raise ValidationError("games cannot be posted in this channel", "channel_discord_id")
    return channel


def _first_set(*values: int | None) -> int:
    return next(v for v in values if v is not None)


async def create_game(session: AsyncSession, actor: permissions.Actor, draft: GameDraft) -> Game:
    """Post a new game and schedule its reminders."""
    now = utcnow()
    settings = get_settings()
    channel = await _load_channel(session, actor, draft.channel_discord_id)
    guild = channel.guild
    if not permissions.can_host(
        actor, guild.discord_id, guild.host_role_ids, channel.host_role_ids
    ):
        raise NotAllowed("you need a host role to post games in this channel")
    checks = Checks()
    max_players = checks.run(
        rules.check_max_players,
        _first_set(
            draft.max_players,
            channel.default_max_players,
            guild.default_max_players,
            settings.default_max_players,
        ),
    )
    fields = {
        "title": checks.run(rules.clean_title, draft.title),
        "description": checks.run(rules.clean_text, draft.description, "description"),
        "location": checks.run(rules.clean_text, draft.location, "location", rules.LOCATION_MAX),
        "signup_instructions": checks.run(
            rules.clean_text, draft.signup_instructions, "signup_instructions"
        ),
        "scheduled_at": checks.run(rules.check_start, draft.scheduled_at, now),
        "duration_minutes": checks.run(
            rules.check_duration,
            _first_set(draft.duration_minutes, settings.default_duration_minutes),
        ),
        "max_players": max_players,
        "min_players": checks.run(
            rules.check_min_players, draft.min_players, max_players or rules.MAX_PLAYERS_LIMIT
        ),
        "reminder_offsets": (
            None
            if draft.reminder_offsets is None
            else checks.run(validate_offsets, draft.reminder_offsets)
        ),
    }
    checks.raise_any()
    host = await ensure_user(session, actor.discord_id, actor.username)
    game = Game(
        guild=guild,
        channel=channel,
        host=host,
        status=GameStatus.SCHEDULED,
        participants=[],
        **fields,
    )
    session.add(game)
    await session.flush()
    await sync_reminders(session, game, offsets_for(game), now)
    game_events.stage_game_event(session, EventType.GAME_CREATED, game)
    await commit_and_publish(session)
    return game


async def update_game(
    session: AsyncSession,
    actor: permissions.Actor,
    game_id: int,
    changes: GameChanges,
    expected_version: int | None = None,
) -> Game:
    """Change a game; a new time or new offsets move its reminders in the same transaction."""
    now = utcnow()
    game = await load_game(session, game_id, actor, lock=True)
    check_can_manage(actor, game)
    if expected_version is not None and expected_version != game.version:
        raise StaleVersion("the game was changed by someone else; reload it and try again")
    if game.status in status.FINAL:
        raise ValidationError(f"a {game.status.value.lower()} game cannot be edited")
    given = changes.model_fields_set
    changed: list[str] = []

    def assign(field: str, value: object) -> None:
        if getattr(game, field) != value:
            setattr(game, field, value)
            changed.append(field)

    checks = Checks()
    accepted: dict[str, object] = {}
    if "title" in given and changes.title is not None:
        accepted["title"] = checks.run(rules.clean_title, changes.title)
    for field, limit in (
        ("description", rules.TEXT_MAX),
        ("location", rules.LOCATION_MAX),
        ("signup_instructions", rules.TEXT_MAX),
    ):
        value = getattr(changes, field)
        if field in given and value is not None:
            accepted[field] = checks.run(rules.clean_text, value, field, limit)
    if "duration_minutes" in given and changes.duration_minutes is not None:
        accepted["duration_minutes"] = checks.run(rules.check_duration, changes.duration_minutes)
    if "scheduled_at" in given and changes.scheduled_at is not None:
        if game.status is not GameStatus.SCHEDULED:
            checks.problems.append(
                ("scheduled_at", "a game that has started cannot be rescheduled")
            )
        else:
            accepted["scheduled_at"] = checks.run(rules.check_start, changes.scheduled_at, now)
    if "reminder_offsets" in given:
        offsets = changes.reminder_offsets
        accepted["reminder_offsets"] = (
            None if offsets is None else checks.run(validate_offsets, offsets)
        )
    new_max = game.max_players
    if "max_players" in given and changes.max_players is not None:
        checked = checks.run(rules.check_max_players, changes.max_players)
        accepted["max_players"] = checked
        new_max = rules.MAX_PLAYERS_LIMIT if checked is None else checked
    new_min = game.min_players
    if "min_players" in given and changes.min_players is not None:
        new_min = changes.min_players
        accepted["min_players"] = new_min
    checks.run(rules.check_min_players, new_min, new_max)
    checks.raise_any()

    old_max = game.max_players
    for field, value in accepted.items():
        assign(field, value)

    if not changed:
        return game
    if {"scheduled_at", "reminder_offsets"} & set(changed) and game.status is GameStatus.SCHEDULED:
        await sync_reminders(session, game, offsets_for(game), now)
    await session.flush()
    game_events.stage_game_updated(session, game, changed)
    promoted = waitlist.promoted_by_cap_change(game.participants, old_max, game.max_players)
    game_events.stage_promotions(session, game, promoted)
    if "scheduled_at" in changed:
        for participant in waitlist.split(game.participants, game.max_players).confirmed:
            game_events.stage_dm(session, game, participant.user.discord_id, DmKind.RESCHEDULED)
    await commit_and_publish(session)
    return game


async def cancel_game(session: AsyncSession, actor: permissions.Actor, game_id: int) -> Game:
    """Cancel a game: reminders stop, every signed-up player is told."""
    game = await load_game(session, game_id, actor, lock=True)
    check_can_manage(actor, game)
    status.check_transition(game.status, GameStatus.CANCELLED)
    game.status = GameStatus.CANCELLED
    await cancel_pending_reminders(session, game.id)
    await session.flush()
    game_events.stage_game_event(session, EventType.GAME_CANCELLED, game)
    for participant in game.participants:
        game_events.stage_dm(session, game, participant.user.discord_id, DmKind.CANCELLATION)
    await commit_and_publish(session)
    return game

"""Recurring series: create, read, change and end them (splitting: ``series_split``).

The first occurrence is posted with the series in one transaction; the scheduler's
``materialise_series`` makes the following ones. Changes to occurrences go through
:func:`games.update_game` / :func:`games.cancel_game`, so reminders, events and DMs follow the
same rules as for any game.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from game_scheduler.database import lock_for_write
from game_scheduler.domain import games as game_rules
from game_scheduler.domain import permissions
from game_scheduler.domain import series as rules
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.errors import NotAllowed, NotFound, ValidationError
from game_scheduler.messaging.outbox import commit_and_publish
from game_scheduler.models import Game, GameSeries, GameStatus, utcnow
from game_scheduler.services import games

TEMPLATE_FIELDS = (
    "title",
    "description",
    "location",
    "signup_instructions",
    "duration_minutes",
    "max_players",
    "min_players",
    "reminder_offsets",
)


@dataclass(frozen=True)
class Recurrence:
    """How a new game repeats: a host's choice (``repeat``) or an RRULE, in an IANA zone."""

    zone: str
    repeat: rules.Repeat | None = None
    rrule: str | None = None
    carry_mode: rules.CarryMode = rules.CarryMode.FRESH


def _checked_rule(recurrence: Recurrence, first: datetime, checks: Checks) -> str | None:
    zone = checks.run(rules.zone_of, recurrence.zone, "recurrence.zone")
    if zone is None:
        return None
    if recurrence.repeat is not None:
        return checks.run(rules.to_rrule, recurrence.repeat, first, zone)
    if recurrence.rrule is not None:
        return checks.run(rules.check_rrule, recurrence.rrule, first, zone)
    checks.problems.append(("recurrence", "give a repeat pattern or an RRULE"))
    return None


async def create_series(
    session: AsyncSession, actor: permissions.Actor, draft: games.GameDraft, recurrence: Recurrence
) -> tuple[GameSeries, Game]:
    """The series and its first occurrence (the draft's game), in one transaction."""
    checks = Checks()
    rule = _checked_rule(recurrence, draft.scheduled_at, checks)
    try:
        game = await games.stage_new_game(session, actor, draft)
    except ValidationError as error:
        await session.rollback()
        checks.problems[:0] = error.problems
        checks.raise_any()
        raise
    if rule is None:
        await session.rollback()
        checks.raise_any()
        raise AssertionError("unreachable: a rule is missing only with a problem")
    plan = GameSeries(
        guild_id=game.guild_id,
        channel_id=game.channel_id,
        host_id=game.host_id,
        rrule=rule,
        zone=recurrence.zone,
        first_start=game.scheduled_at,
        carry_mode=recurrence.carry_mode.value,
        **{field: getattr(game, field) for field in TEMPLATE_FIELDS},
    )
    session.add(plan)
    await session.flush()
    game.series_id = plan.id
    game.occurrence_start = game.scheduled_at
    await commit_and_publish(session)
    return plan, game


async def load_series(
    session: AsyncSession, series_id: int, actor: permissions.Actor, *, lock: bool = False
) -> GameSeries:
    """The series if the actor is in its server; locked for a change when ``lock``."""
    stmt = (
        select(GameSeries)
        .where(GameSeries.id == series_id)
        .options(joinedload(GameSeries.guild), joinedload(GameSeries.host))
        .execution_options(populate_existing=True)
    )
    if lock:
        await lock_for_write(session)
        stmt = stmt.with_for_update(of=GameSeries)
    plan = (await session.execute(stmt)).scalar_one_or_none()
    if plan is None or not permissions.can_see(actor, plan.guild.discord_id):
        raise NotFound(f"series {series_id} not found")
    return plan


def _check_manage(actor: permissions.Actor, plan: GameSeries) -> None:
    if not permissions.can_manage_game(
        actor, plan.guild.discord_id, plan.host.discord_id, plan.guild.manager_role_ids
    ):
        raise NotAllowed("only the host or a bot manager can change this series")


async def list_series(
    session: AsyncSession, actor: permissions.Actor, guild_discord_id: int | None = None
) -> list[GameSeries]:
    """Active series in the actor's servers (or one of them)."""
    stmt = (
        select(GameSeries)
        .where(GameSeries.ended_at.is_(None))
        .options(joinedload(GameSeries.guild), joinedload(GameSeries.host))
        .order_by(GameSeries.id)
    )
    found = (await session.execute(stmt)).scalars().all()
    return [
        s
        for s in found
        if permissions.can_see(actor, s.guild.discord_id)
        and (guild_discord_id is None or s.guild.discord_id == guild_discord_id)
    ]


async def occurrence_ids(session: AsyncSession, series_id: int, *, after: datetime) -> list[int]:
    """The series' scheduled games starting after ``after``, soonest first."""
    return list(
        (
            await session.execute(
                select(Game.id)
                .where(
                    Game.series_id == series_id,
                    Game.status == GameStatus.SCHEDULED,
                    Game.scheduled_at > after,
                )
                .order_by(Game.occurrence_start)
            )
        )
        .scalars()
        .all()
    )


async def update_series(
    session: AsyncSession,
    actor: permissions.Actor,
    series_id: int,
    changes: games.GameChanges,
    carry_mode: rules.CarryMode | None = None,
) -> GameSeries:
    """New template fields for the coming games (the materialised ones are edited as usual)."""
    if "scheduled_at" in changes.model_fields_set:
        raise ValidationError(
            "move a series by editing an occurrence with scope 'following'", "scheduled_at"
        )
    plan = await load_series(session, series_id, actor)
    _check_manage(actor, plan)
    _checked_template(plan, changes)
    upcoming = await occurrence_ids(session, series_id, after=utcnow())
    await session.commit()
    # Validated by the usual rules on the next game first; nothing is changed if they refuse.
    for game_id in upcoming:
        await games.update_game(session, actor, game_id, changes)
    plan = await load_series(session, series_id, actor, lock=True)
    for field, value in _checked_template(plan, changes).items():
        setattr(plan, field, value)
    if carry_mode is not None:
        plan.carry_mode = carry_mode.value
    await session.commit()
    return plan


def _checked_template(plan: GameSeries, changes: games.GameChanges) -> dict[str, object]:
    """The template fields given, by the same rules as a game's (all problems at once)."""
    given = changes.model_fields_set & set(TEMPLATE_FIELDS)
    checks = Checks()
    found: dict[str, object] = {}
    for field in given:
        value = getattr(changes, field)
        if field == "title" and value is not None:
            found[field] = checks.run(game_rules.clean_title, value)
        elif field in ("description", "signup_instructions") and value is not None:
            found[field] = checks.run(game_rules.clean_text, value, field)
        elif field == "location" and value is not None:
            found[field] = checks.run(game_rules.clean_text, value, field, game_rules.LOCATION_MAX)
        elif field == "duration_minutes" and value is not None:
            found[field] = checks.run(game_rules.check_duration, value)
        elif field == "max_players" and value is not None:
            found[field] = checks.run(game_rules.check_max_players, value)
        elif field == "min_players" and value is not None:
            found[field] = value
        elif field == "reminder_offsets":
            found[field] = None if value is None else checks.run(validate_offsets, value)
    new_max = plan.max_players if changes.max_players is None else changes.max_players
    new_min = plan.min_players if changes.min_players is None else changes.min_players
    checks.run(game_rules.check_min_players, new_min, new_max)
    checks.raise_any()
    return found


async def end_series(session: AsyncSession, actor: permissions.Actor, series_id: int) -> list[int]:
    """No more occurrences; the coming ones are cancelled with the usual DMs. Their ids."""
    plan = await load_series(session, series_id, actor, lock=True)
    _check_manage(actor, plan)
    if plan.ended_at is None:
        plan.ended_at = utcnow()
    await session.commit()
    cancelled = await occurrence_ids(session, series_id, after=utcnow())
    await session.commit()
    for game_id in cancelled:
        await games.cancel_game(session, actor, game_id)
    return cancelled

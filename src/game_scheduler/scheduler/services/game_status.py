"""Move games along SCHEDULED -> IN_PROGRESS -> COMPLETED as the clock passes, once each."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import Session

from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.domain.status import GameStatus, ends_at
from game_scheduler.messaging.events import EventType, GameRef, make_event
from game_scheduler.messaging.outbox import SyncEventPublisher, commit_and_publish_sync, stage
from game_scheduler.models import Channel, Game, Guild, Reminder
from game_scheduler.scheduler.services.attendance_prompts import stage_attendance_prompts

log = logging.getLogger(__name__)

SKIP_REASON = "game started before the reminder was sent"


@dataclass(frozen=True)
class StatusCounts:
    """How many games this run started and completed, and reminders it skipped."""

    started: int = 0
    completed: int = 0
    reminders_skipped: int = 0


def advance_game_statuses(
    session: Session, now: datetime, publisher: SyncEventPublisher | None = None
) -> StatusCounts:
    """One transaction: move every due game and stage its events; then commit and publish."""
    counts = stage_status_changes(session, now)
    commit_and_publish_sync(session, publisher)
    if counts != StatusCounts():
        log.info(
            "games started: %d, completed: %d; reminders skipped: %d",
            counts.started,
            counts.completed,
            counts.reminders_skipped,
        )
    return counts


def stage_status_changes(session: Session, now: datetime) -> StatusCounts:
    """Guarded updates with their events in the caller's transaction; the caller commits.

    Each update only matches rows still in the old status, so of two concurrent runs the
    second waits on the row lock, then finds nothing left to move.
    """
    started = _move(
        session,
        (Game.status == GameStatus.SCHEDULED, Game.scheduled_at <= now),
        GameStatus.IN_PROGRESS,
    )
    # A game already past its end goes through both steps in this one run, one event each.
    completed = _move(
        session,
        (Game.id.in_(_games_past_end(session, now)), Game.status == GameStatus.IN_PROGRESS),
        GameStatus.COMPLETED,
    )
    refs = _game_refs(session, [*started, *completed])
    for game_id in started:
        stage(session, make_event(EventType.GAME_STARTED, refs[game_id]))
    for game_id in completed:
        stage(session, make_event(EventType.GAME_COMPLETED, refs[game_id]))
    stage_attendance_prompts(session, completed)
    return StatusCounts(len(started), len(completed), _skip_reminders_of_started(session, now))


def _move(session: Session, where: Sequence[ColumnElement[bool]], target: GameStatus) -> list[int]:
    """Set ``target`` on the games matching ``where``; the ids actually moved."""
    result = session.execute(
        update(Game)
        .where(*where)
        .values(status=target, version=Game.version + 1)
        .returning(Game.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars().all())


def _games_past_end(session: Session, now: datetime) -> list[int]:
    """Games in progress whose expected duration has run out (durations differ per game)."""
    rows = session.execute(
        select(Game.id, Game.scheduled_at, Game.duration_minutes).where(
            Game.status == GameStatus.IN_PROGRESS, Game.scheduled_at <= now
        )
    ).all()
    return [row.id for row in rows if now >= ends_at(row.scheduled_at, row.duration_minutes)]


def _game_refs(session: Session, game_ids: Sequence[int]) -> dict[int, GameRef]:
    """The event payload of each game: where it is announced."""
    if not game_ids:
        return {}
    rows = session.execute(
        select(Game.id, Guild.discord_id, Channel.discord_id)
        .join(Guild, Guild.id == Game.guild_id)
        .join(Channel, Channel.id == Game.channel_id)
        .where(Game.id.in_(set(game_ids)))
    ).all()
    return {
        game_id: GameRef(
            game_id=game_id, guild_discord_id=str(guild_id), channel_discord_id=str(channel_id)
        )
        for game_id, guild_id, channel_id in rows
    }


def _skip_reminders_of_started(session: Session, now: datetime) -> int:
    """Pending reminders of games that have started can never be sent in time."""
    started = exists().where(
        Game.id == Reminder.game_id,
        Game.status.in_([GameStatus.IN_PROGRESS, GameStatus.COMPLETED]),
    )
    result = session.execute(
        update(Reminder)
        .where(Reminder.status == ReminderStatus.PENDING, Reminder.due_at <= now, started)
        .values(status=ReminderStatus.SKIPPED, last_error=SKIP_REASON)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

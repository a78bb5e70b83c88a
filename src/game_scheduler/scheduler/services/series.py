"""Materialise series occurrences ahead as real games: sync, idempotent, safe with two beats.

Each series is its own short transaction under its row lock (a split or a delete of the same
series waits, or is waited for). A new occurrence is inserted with ``ON CONFLICT DO NOTHING`` on
the (series_id, occurrence_start) key, so even two runs that somehow both pass the lock make it
once; only the run whose insert returned a row adds its reminders, carried players and events.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from game_scheduler.config import get_settings
from game_scheduler.database import get_sync_db_session, lock_for_write_sync
from game_scheduler.domain import notices, series, waitlist
from game_scheduler.domain.reminders import GameClock, effective_offsets, follow_game
from game_scheduler.domain.rsvp import Response
from game_scheduler.messaging.events import EventType, GameRef, SendDm, make_event
from game_scheduler.messaging.outbox import SyncEventPublisher, commit_and_publish_sync, stage
from game_scheduler.models import (
    Channel,
    Game,
    GameSeries,
    GameStatus,
    Guild,
    GuildMember,
    Participant,
    Reminder,
    User,
    utcnow,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Made:
    """One occurrence this run created, and how many players it carried over."""

    series_id: int
    game_id: int
    starts_at: datetime
    carried: int


def materialise_all(
    session: Session, now: datetime, publisher: SyncEventPublisher | None = None
) -> list[Made]:
    """Every active series: create its missing occurrences in the window, one commit each."""
    ids = session.scalars(
        select(GameSeries.id).where(GameSeries.ended_at.is_(None)).order_by(GameSeries.id)
    ).all()
    session.commit()
    made: list[Made] = []
    for series_id in ids:
        try:
            made += materialise_one(session, series_id, now, publisher)
        except (OperationalError, InterfaceError):
            raise  # an outage: the task fails and beat runs it again
        except Exception:
            # One series that cannot be expanded must not hold back the others.
            session.rollback()
            log.exception("series %d could not be materialised", series_id)
    if made:
        log.info("series occurrences materialised: %d", len(made))
    return made


def materialise_one(
    session: Session, series_id: int, now: datetime, publisher: SyncEventPublisher | None = None
) -> list[Made]:
    """One series under its lock; commits (and publishes) what it made."""
    lock_for_write_sync(session)
    row = session.execute(
        select(GameSeries, Channel, Guild)
        .join(Channel, Channel.id == GameSeries.channel_id)
        .join(Guild, Guild.id == GameSeries.guild_id)
        .where(GameSeries.id == series_id, GameSeries.ended_at.is_(None))
        .with_for_update(of=GameSeries)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        session.rollback()
        return []
    plan, channel, guild = row
    if not (channel.enabled and channel.bot_present and guild.bot_present):
        session.rollback()  # nowhere to announce; made once the channel is back, if still ahead
        return []
    zone = series.zone_of(plan.zone)
    wanted = series.window(plan.rrule, plan.first_start, zone, now)
    existing = set(
        session.scalars(
            select(Game.occurrence_start).where(
                Game.series_id == plan.id, Game.occurrence_start.in_(wanted)
            )
        )
    )
    made: list[Made] = []
    for start in wanted:
        if start in existing or start <= now:
            continue
        game_id = insert_occurrence(session, plan, start, now)
        if game_id is None:
            continue  # another run made it first
        _add_reminders(session, plan, channel, guild, game_id, start, now)
        carried = _carry_over(session, plan, game_id, start) if _carries(plan) else []
        ref = GameRef(
            game_id=game_id,
            guild_discord_id=str(guild.discord_id),
            channel_discord_id=str(channel.discord_id),
        )
        stage(session, make_event(EventType.GAME_CREATED, ref))
        for notice in notices.after_carry_over(carried):
            stage(session, make_event(EventType.SEND_DM, _dm(ref, plan, start, notice)))
        made.append(Made(plan.id, game_id, start, len(carried)))
    commit_and_publish_sync(session, publisher)
    return made


def _carries(plan: GameSeries) -> bool:
    return plan.carry_mode == series.CarryMode.CARRY.value


def insert_occurrence(
    session: Session, plan: GameSeries, start: datetime, now: datetime
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING on (series_id, occurrence_start); the new id or None."""
    values = {
        "guild_id": plan.guild_id,
        "channel_id": plan.channel_id,
        "host_id": plan.host_id,
        "title": plan.title,
        "description": plan.description,
        "location": plan.location,
        "signup_instructions": plan.signup_instructions,
        "scheduled_at": start,
        "duration_minutes": plan.duration_minutes,
        "max_players": plan.max_players,
        "min_players": plan.min_players,
        "reminder_offsets": plan.reminder_offsets,
        "status": GameStatus.SCHEDULED,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "series_id": plan.id,
        "occurrence_start": start,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement: Insert = (
        insert(Game)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["series_id", "occurrence_start"])
        .returning(Game.id)
    )
    return session.execute(statement).scalar_one_or_none()


def _add_reminders(
    session: Session,
    plan: GameSeries,
    channel: Channel,
    guild: Guild,
    game_id: int,
    start: datetime,
    now: datetime,
) -> None:
    """The reminder rows the state machine gives a game just posted (inherited offsets too)."""
    offsets = effective_offsets(
        plan.reminder_offsets,
        channel.reminder_offsets,
        guild.reminder_offsets,
        get_settings().default_reminder_offsets,
    )
    clock = GameClock(start, GameStatus.SCHEDULED, frozenset(offsets))
    for offset in offsets:
        step = follow_game(None, offset, clock, now)
        if step is not None:
            session.add(
                Reminder(
                    game_id=game_id,
                    offset_minutes=offset,
                    due_at=step.due_at,
                    status=step.status,
                    last_error=step.reason,
                    attempts=0,
                )
            )
    session.flush()


def _carry_over(session: Session, plan: GameSeries, game_id: int, start: datetime) -> list[User]:
    """Pre-confirm the previous (not cancelled) occurrence's confirmed players in this one."""
    previous = session.scalars(
        select(Game)
        .where(
            Game.series_id == plan.id,
            Game.occurrence_start < start,
            Game.status != GameStatus.CANCELLED,
        )
        .order_by(Game.occurrence_start.desc())
        .limit(1)
    ).first()
    if previous is None:
        return []
    ordered = session.scalars(
        select(Participant)
        .where(Participant.game_id == previous.id, Participant.response == Response.GOING)
        .order_by(Participant.position)
    ).all()
    departed = set(
        session.scalars(
            select(GuildMember.user_id).where(
                GuildMember.guild_id == plan.guild_id, GuildMember.left_at.is_not(None)
            )
        )
    )
    seated = waitlist.split(list(ordered), previous.max_players).confirmed
    confirmed = [p for p in seated if p.user_id not in departed]  # never carry one who left
    users = {p.user_id: p.user for p in confirmed}
    carried = series.carried_players([p.user_id for p in confirmed], plan.max_players)
    for position, user_id in enumerate(carried, start=1):
        session.add(Participant(game_id=game_id, user_id=user_id, position=position))
    session.flush()
    return [users[user_id] for user_id in carried]


def _dm(ref: GameRef, plan: GameSeries, start: datetime, notice: notices.Notice[User]) -> SendDm:
    return SendDm(
        recipient_discord_id=str(notice.recipient.discord_id),
        kind=notice.kind,
        game_id=ref.game_id,
        title=plan.title,
        starts_at=int(start.timestamp()),
        guild_discord_id=ref.guild_discord_id,
        channel_discord_id=ref.channel_discord_id,
    )


def materialise_now(publisher: SyncEventPublisher | None = None) -> list[Made]:
    """For callers without a session: the task and ``up``'s embedded scheduler."""
    with get_sync_db_session() as session:
        return materialise_all(session, utcnow(), publisher)

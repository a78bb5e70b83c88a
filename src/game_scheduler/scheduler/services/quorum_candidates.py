"""Which games' quorum may be due: a read with no locks, bounded by the longest lead in force.

The deadline and nudge leads are inherited (game, channel, server, default), so the times are
worked out per row here; ``quorum_checks`` then locks only the games found and decides again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from game_scheduler.config import get_settings
from game_scheduler.domain.rsvp import Response
from game_scheduler.domain.status import GameStatus
from game_scheduler.models import Channel, Game, Guild, Participant


def longest_lead(session: Session) -> timedelta | None:
    """The furthest before a start any deadline plus nudge in force can fall; None: no deadlines.

    Bounds the scan below to the games that can be due, whatever their own settings.
    """
    settings = get_settings()
    undecided = (Game.status == GameStatus.SCHEDULED, Game.quorum_state.is_(None))
    row = session.execute(
        select(
            select(func.max(Game.quorum_deadline_minutes)).where(*undecided).scalar_subquery(),
            select(func.max(Channel.quorum_deadline_minutes)).scalar_subquery(),
            select(func.max(Guild.quorum_deadline_minutes)).scalar_subquery(),
            select(func.max(Channel.quorum_nudge_minutes)).scalar_subquery(),
            select(func.max(Guild.quorum_nudge_minutes)).scalar_subquery(),
        )
    ).one()
    deadlines = [v for v in (*row[:3], settings.default_quorum_deadline_minutes) if v]
    if not deadlines:
        return None
    nudges = [v for v in (*row[3:], settings.default_quorum_nudge_minutes) if v]
    return timedelta(minutes=max(deadlines) + max(nudges, default=0))


def find_quorum_candidates(session: Session, now: datetime) -> list[int]:
    """Scheduled, undecided games whose deadline, or whose nudge while short, has come.

    A read, no locks: the deadline and nudge leads are inherited (game, channel, server,
    default), so the times are worked out here per row, for the games starting within the
    longest lead in force; only the games found are then locked and decided again under the
    lock.
    """
    horizon = longest_lead(session)
    if horizon is None:
        return []
    settings = get_settings()
    default = settings.default_quorum_deadline_minutes
    deadline = func.coalesce(
        Game.quorum_deadline_minutes,
        Channel.quorum_deadline_minutes,
        Guild.quorum_deadline_minutes,
        literal(default if default is not None else 0),
    )
    nudge = func.coalesce(
        Channel.quorum_nudge_minutes,
        Guild.quorum_nudge_minutes,
        literal(settings.default_quorum_nudge_minutes),
    )
    signed_up = (
        select(func.count())
        .where(Participant.game_id == Game.id, Participant.response == Response.GOING)
        .correlate(Game)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Game.id,
            Game.scheduled_at,
            deadline,
            nudge,
            Game.quorum_nudged_at.is_(None),
            func.min(signed_up, Game.max_players) < Game.min_players
            if session.get_bind().dialect.name == "sqlite"
            else func.least(signed_up, Game.max_players) < Game.min_players,
        )
        .join(Channel, Channel.id == Game.channel_id)
        .join(Guild, Guild.id == Game.guild_id)
        .where(
            Game.status == GameStatus.SCHEDULED,
            Game.quorum_state.is_(None),
            Game.scheduled_at > now,
            Game.scheduled_at <= now + horizon,
            deadline > 0,
        )
        .order_by(Game.scheduled_at, Game.id)
    ).all()
    due = []
    for game_id, scheduled_at, deadline_minutes, nudge_minutes, not_nudged, short in rows:
        deadline_at = scheduled_at - timedelta(minutes=deadline_minutes)
        nudge_due = not_nudged and short and nudge_minutes > 0
        if now >= deadline_at or (
            nudge_due and now >= deadline_at - timedelta(minutes=nudge_minutes)
        ):
            due.append(game_id)
    return due

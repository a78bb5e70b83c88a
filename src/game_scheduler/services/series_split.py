"""Split a series at an occurrence: it and the following ones get the change and a new series."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain import permissions
from game_scheduler.domain import series as rules
from game_scheduler.errors import ValidationError
from game_scheduler.models import Game, GameSeries, utcnow
from game_scheduler.services import games
from game_scheduler.services.loading import load_game
from game_scheduler.services.series import TEMPLATE_FIELDS, load_series


async def update_following(
    session: AsyncSession,
    actor: permissions.Actor,
    game_id: int,
    changes: games.GameChanges,
    expected_version: int | None = None,
) -> Game:
    """Edit this occurrence and split the series here: the old one ends before it.

    The new series starts at this occurrence with its new fields; the later occurrences
    already made move to it with their rosters (players keep their seats) and get the same
    changes, a new time included, through the usual update (reminders move, players told).
    """
    game = await load_game(session, game_id, actor)
    if game.series_id is None or game.occurrence_start is None:
        raise ValidationError("this game is not part of a series", "scope")
    await session.commit()
    edited = await games.update_game(session, actor, game_id, changes, expected_version)
    old = await load_series(session, edited.series_id or 0, actor, lock=True)
    split_at = edited.occurrence_start
    assert split_at is not None
    zone = rules.zone_of(old.zone)
    moved_ids = list(
        (
            await session.execute(
                select(Game.id)
                .where(Game.series_id == old.id, Game.occurrence_start >= split_at)
                .order_by(Game.occurrence_start)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    used = len(
        rules.starts_between(
            old.rrule,
            old.first_start,
            zone,
            old.first_start - timedelta(seconds=1),
            split_at - timedelta(seconds=1),
        )
    )
    moved_time = "scheduled_at" in changes.model_fields_set
    first = edited.scheduled_at if moved_time else split_at
    moved_days = (first.astimezone(zone).date() - split_at.astimezone(zone).date()).days
    new = GameSeries(
        guild_id=old.guild_id,
        channel_id=old.channel_id,
        host_id=old.host_id,
        rrule=rules.shifted_rule(rules.remaining_rule(old.rrule, used), moved_days),
        zone=old.zone,
        first_start=first,
        carry_mode=old.carry_mode,
        **{field: getattr(edited, field) for field in TEMPLATE_FIELDS},
    )
    old.rrule = rules.ended_before(old.rrule, split_at)
    if used == 0:
        old.ended_at = utcnow()
    session.add(new)
    await session.flush()
    starts = rules.next_starts(
        new.rrule, first, zone, first - timedelta(seconds=1), max(1, len(moved_ids))
    )
    targets: dict[int, datetime | None] = {}
    for index, moved_id in enumerate(moved_ids):
        target = starts[index] if index < len(starts) else None
        row = await session.get(Game, moved_id)
        assert row is not None
        row.series_id = new.id
        row.occurrence_start = target or row.occurrence_start
        targets[moved_id] = target if moved_time else None
    await session.commit()
    field_changes = changes.model_dump(exclude_unset=True, exclude={"scheduled_at"})
    for moved_id, target in targets.items():
        if moved_id == game_id:
            continue
        later = dict(field_changes)
        if target is not None:
            later["scheduled_at"] = target
        if later:
            await games.update_game(session, actor, moved_id, games.GameChanges(**later))
    return await load_game(session, game_id, actor)

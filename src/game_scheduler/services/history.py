"""Past games (completed and cancelled) with their rosters, and the host's attendance marks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from game_scheduler.domain.attendance import Mark, check_markable, check_marks
from game_scheduler.domain.history import Month
from game_scheduler.domain.permissions import Actor, can_see
from game_scheduler.errors import NotFound
from game_scheduler.models import Attendance, Game, GameStatus, Guild, Participant, User, utcnow
from game_scheduler.seats import lineups
from game_scheduler.services.loading import check_can_manage, load_game, may_manage
from game_scheduler.services.registry import ensure_user

PAST = (GameStatus.COMPLETED, GameStatus.CANCELLED)


@dataclass(frozen=True)
class PastFilters:
    """Which past games to list: one server, optionally one month (UTC) and one host."""

    guild_discord_id: int
    month: Month | None = None
    host_discord_id: int | None = None


@dataclass(frozen=True)
class Seat:
    """A confirmed player of a past game and the host's mark (None: not marked)."""

    participant: Participant
    mark: Mark | None


@dataclass(frozen=True)
class PastGame:
    """A finished game with its roster as it stood, and attendance where marked."""

    game: Game
    seats: list[Seat]
    waitlist: list[Participant]
    can_mark: bool

    @property
    def marked(self) -> bool:
        """Whether the host marked anyone yet."""
        return any(seat.mark is not None for seat in self.seats)


@dataclass(frozen=True)
class PastPage:
    """One page of past games, newest first."""

    items: list[PastGame]
    total: int
    limit: int
    offset: int


def _past_games(guild_id: int, filters: PastFilters) -> Select[int]:
    stmt = select(Game.id).where(Game.guild_id == guild_id, Game.status.in_(PAST))
    if filters.month is not None:
        stmt = stmt.where(
            Game.scheduled_at >= filters.month.starts, Game.scheduled_at < filters.month.ends
        )
    if filters.host_discord_id is not None:
        host = select(User.id).where(User.discord_id == filters.host_discord_id)
        stmt = stmt.where(Game.host_id.in_(host.scalar_subquery()))
    return stmt


async def _marks(db: AsyncSession, game_ids: list[int]) -> dict[tuple[int, int], Mark]:
    if not game_ids:
        return {}
    rows = await db.execute(
        select(Attendance.game_id, Attendance.user_id, Attendance.status).where(
            Attendance.game_id.in_(game_ids)
        )
    )
    return {(game_id, user_id): Mark(mark) for game_id, user_id, mark in rows}


def _past_game(game: Game, marks: Mapping[tuple[int, int], Mark], actor: Actor) -> PastGame:
    lineup = lineups.roster(game)
    seats = [Seat(p, marks.get((game.id, p.user_id))) for p in lineup.confirmed]
    can_mark = game.status is GameStatus.COMPLETED and may_manage(actor, game)
    return PastGame(game, seats, lineup.waitlist, can_mark)


async def list_past_games(
    db: AsyncSession, actor: Actor, filters: PastFilters, limit: int = 20, offset: int = 0
) -> PastPage:
    """Completed and cancelled games of a server, newest first, with rosters and marks."""
    guild = await db.scalar(select(Guild).where(Guild.discord_id == filters.guild_discord_id))
    if guild is None or not can_see(actor, filters.guild_discord_id):
        raise NotFound(f"server {filters.guild_discord_id} is not known to the bot")
    matching = _past_games(guild.id, filters)
    total = (await db.execute(select(func.count()).select_from(matching.subquery()))).scalar_one()
    rows = await db.scalars(
        select(Game)
        .where(Game.id.in_(matching))
        .options(
            joinedload(Game.guild),
            joinedload(Game.channel),
            joinedload(Game.host),
            selectinload(Game.participants).selectinload(Participant.user),
        )
        .order_by(Game.scheduled_at.desc(), Game.id.desc())
        .limit(limit)
        .offset(offset)
    )
    found = list(rows.unique())
    marks = await _marks(db, [g.id for g in found])
    return PastPage([_past_game(g, marks, actor) for g in found], total, limit, offset)


async def past_hosts(db: AsyncSession, actor: Actor, guild_discord_id: int) -> list[User]:
    """Everyone who hosted a past game in the server, for the host filter."""
    if not can_see(actor, guild_discord_id):
        raise NotFound(f"server {guild_discord_id} is not known to the bot")
    hosted = (
        select(Game.host_id)
        .join(Guild, Guild.id == Game.guild_id)
        .where(Guild.discord_id == guild_discord_id, Game.status.in_(PAST))
    )
    rows = await db.scalars(
        select(User).where(User.id.in_(hosted)).order_by(User.username, User.discord_id)
    )
    return list(rows)


async def read_attendance(db: AsyncSession, actor: Actor, game_id: int) -> PastGame:
    """A game's confirmed players and their marks; any member of its server may read them."""
    game = await load_game(db, game_id, actor)
    return _past_game(game, await _marks(db, [game.id]), actor)


async def mark_attendance(
    db: AsyncSession, actor: Actor, game_id: int, marks: Mapping[int, str]
) -> PastGame:
    """Record attended / no-show for confirmed players (by Discord id) of a completed game.

    The host or a manager marks; players not named keep their marks. Under the game's lock,
    so two hosts saving at once apply one after the other.
    """
    game = await load_game(db, game_id, actor, lock=True)
    check_can_manage(actor, game)
    check_markable(game.status)
    seated = lineups.roster(game).confirmed
    by_discord = {p.user.discord_id: p.user_id for p in seated}
    checked = check_marks(marks, by_discord)
    existing = {
        row.user_id: row
        for row in await db.scalars(select(Attendance).where(Attendance.game_id == game.id))
    }
    marker = await ensure_user(db, actor.discord_id, actor.username)
    await db.flush()
    now = utcnow()
    for discord_id, mark in checked.items():
        user_id = by_discord[discord_id]
        row = existing.get(user_id)
        if row is None:
            row = Attendance(game_id=game.id, user_id=user_id)
            db.add(row)
        if row.status != mark.value:
            row.status, row.marked_by_id, row.marked_at = mark.value, marker.id, now
    await db.commit()
    return await read_attendance(db, actor, game_id)

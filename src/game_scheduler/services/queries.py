"""Read games as a member sees them: filtered lists counted after permission checks, one game."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from game_scheduler.domain import waitlist
from game_scheduler.domain.permissions import Actor, can_manage_game
from game_scheduler.models import Channel, Game, GameStatus, Guild, Participant, User
from game_scheduler.services.loading import load_game


@dataclass(frozen=True)
class GameFilters:
    """Which games to list; every filter is optional and they combine with AND."""

    guild_discord_id: int | None = None
    channel_discord_id: int | None = None
    statuses: frozenset[GameStatus] = field(default_factory=frozenset)
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    mine: bool = False


@dataclass(frozen=True)
class GameSummary:
    """A game in a list, with its head counts and the viewer's 0-based signup rank."""

    game: Game
    player_count: int
    my_rank: int | None

    @property
    def confirmed_count(self) -> int:
        """Players holding a seat."""
        return min(self.player_count, self.game.max_players)

    @property
    def waitlist_count(self) -> int:
        """Players waiting for a seat."""
        return max(0, self.player_count - self.game.max_players)


@dataclass(frozen=True)
class GamePage:
    """One page of a game list; ``total`` counts only games the viewer may see."""

    items: list[GameSummary]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class GameDetail:
    """One game with its lineup as the viewer sees it."""

    game: Game
    confirmed: list[Participant]
    waitlist: list[Participant]
    my_rank: int | None
    can_manage: bool


async def _user_id(db: AsyncSession, discord_id: int) -> int | None:
    return (
        await db.execute(select(User.id).where(User.discord_id == discord_id))
    ).scalar_one_or_none()


def _filtered(actor: Actor, filters: GameFilters, me: int | None) -> Select[int]:
    stmt = (
        select(Game.id)
        .join(Guild, Game.guild_id == Guild.id)
        .where(Guild.discord_id.in_(list(actor.memberships)))
    )
    if filters.guild_discord_id is not None:
        stmt = stmt.where(Guild.discord_id == filters.guild_discord_id)
    if filters.channel_discord_id is not None:
        stmt = stmt.join(Channel, Game.channel_id == Channel.id).where(
            Channel.discord_id == filters.channel_discord_id
        )
    if filters.statuses:
        stmt = stmt.where(Game.status.in_(sorted(filters.statuses)))
    if filters.starts_from is not None:
        stmt = stmt.where(Game.scheduled_at >= filters.starts_from)
    if filters.starts_before is not None:
        stmt = stmt.where(Game.scheduled_at < filters.starts_before)
    if filters.mine:
        joined = select(Participant.game_id).where(Participant.user_id == me)
        stmt = stmt.where(or_(Game.host_id == me, Game.id.in_(joined)))
    return stmt


async def _ranks(db: AsyncSession, game_ids: list[int], me: int | None) -> dict[int, int]:
    if me is None or not game_ids:
        return {}
    earlier = aliased(Participant)
    ahead = (
        select(func.count())
        .where(earlier.game_id == Participant.game_id, earlier.position < Participant.position)
        .scalar_subquery()
    )
    rows = await db.execute(
        select(Participant.game_id, ahead).where(
            Participant.game_id.in_(game_ids), Participant.user_id == me
        )
    )
    return {game_id: rank for game_id, rank in rows}


async def list_games(
    db: AsyncSession, actor: Actor, filters: GameFilters, limit: int = 50, offset: int = 0
) -> GamePage:
    """Games in the viewer's servers, soonest first; another server's games never show."""
    if not actor.memberships:
        return GamePage([], 0, limit, offset)
    me = await _user_id(db, actor.discord_id)
    filtered = _filtered(actor, filters, me)
    total = (await db.execute(select(func.count()).select_from(filtered.subquery()))).scalar_one()
    ids = list(
        (
            await db.execute(
                filtered.order_by(Game.scheduled_at, Game.id).limit(limit).offset(offset)
            )
        ).scalars()
    )
    if not ids:
        return GamePage([], total, limit, offset)
    games = {
        g.id: g
        for g in (
            await db.execute(
                select(Game)
                .where(Game.id.in_(ids))
                .options(
                    selectinload(Game.guild), selectinload(Game.channel), selectinload(Game.host)
                )
            )
        ).scalars()
    }
    counted = await db.execute(
        select(Participant.game_id, func.count())
        .where(Participant.game_id.in_(ids))
        .group_by(Participant.game_id)
    )
    counts = {game_id: players for game_id, players in counted}
    ranks = await _ranks(db, ids, me)
    items = [GameSummary(games[i], counts.get(i, 0), ranks.get(i)) for i in ids]
    return GamePage(items, total, limit, offset)


async def get_game(db: AsyncSession, actor: Actor, game_id: int) -> GameDetail:
    """One game with confirmed players, waitlist and host; NotFound outside the viewer's servers."""
    game = await load_game(db, game_id, actor)
    lineup = waitlist.split(game.participants, game.max_players)
    my_rank = next(
        (rank for rank, p in enumerate(game.participants) if p.user.discord_id == actor.discord_id),
        None,
    )
    return GameDetail(
        game,
        lineup.confirmed,
        lineup.waitlist,
        my_rank,
        can_manage_game(
            actor, game.guild.discord_id, game.host.discord_id, game.guild.manager_role_ids
        ),
    )

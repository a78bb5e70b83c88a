"""Read games as a member sees them: filtered lists counted after permission checks, one game."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import ScalarSelect, Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.rsvp import Response
from game_scheduler.models import Channel, Game, GameStatus, Guild, Participant, User
from game_scheduler.seats import lineups
from game_scheduler.services.loading import load_game, may_manage

UPCOMING = frozenset({GameStatus.SCHEDULED, GameStatus.IN_PROGRESS})


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
    """A game in a list: its going head count, the viewer's 0-based rank among the going
    players (None unless going) and the viewer's RSVP answer."""

    game: Game
    player_count: int
    my_rank: int | None
    my_response: str | None = None

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
    maybe: list[Participant] = field(default_factory=list)
    declined: list[Participant] = field(default_factory=list)
    my_response: str | None = None


# The viewer's user id as a subquery (NULL before their first signup: matches nothing); the
# viewer's Discord id is the ``viewer`` parameter of every statement that uses it.
_ME = select(User.id).where(User.discord_id == bindparam("viewer")).scalar_subquery()


def _shape(filters: GameFilters) -> tuple[bool, ...]:
    """Which filters are set: one statement per shape, the values its parameters."""
    return (
        filters.guild_discord_id is not None,
        filters.channel_discord_id is not None,
        bool(filters.statuses),
        filters.starts_from is not None,
        filters.starts_before is not None,
        filters.mine,
    )


def _parameters(actor: Actor, filters: GameFilters) -> dict[str, object]:
    return {
        "viewer": actor.discord_id,
        "guilds": list(actor.memberships),
        "guild": filters.guild_discord_id,
        "channel": filters.channel_discord_id,
        "statuses": sorted(filters.statuses),
        "starts_from": filters.starts_from,
        "starts_before": filters.starts_before,
    }


def _filtered(shape: tuple[bool, ...]) -> Select[int]:
    """The ids of the games a filter shape matches in the viewer's servers."""
    guild, channel, statuses, starts_from, starts_before, mine = shape
    stmt = (
        select(Game.id)
        .join(Guild, Game.guild_id == Guild.id)
        .where(Guild.discord_id.in_(bindparam("guilds", expanding=True)))
    )
    if guild:
        stmt = stmt.where(Guild.discord_id == bindparam("guild"))
    if channel:
        stmt = stmt.join(Channel, Game.channel_id == Channel.id).where(
            Channel.discord_id == bindparam("channel")
        )
    if statuses:
        stmt = stmt.where(Game.status.in_(bindparam("statuses", expanding=True)))
    if starts_from:
        stmt = stmt.where(Game.scheduled_at >= bindparam("starts_from"))
    if starts_before:
        stmt = stmt.where(Game.scheduled_at < bindparam("starts_before"))
    if mine:
        joined = select(Participant.game_id).where(
            Participant.user_id == _ME, Participant.response != Response.DECLINED
        )
        stmt = stmt.where(or_(Game.host_id == _ME, Game.id.in_(joined)))
    return stmt


def _page_columns() -> tuple[
    ScalarSelect[int], ScalarSelect[int], ScalarSelect[int], ScalarSelect[str]
]:
    """Per game: how many are going, the viewer's position, how many going signed up before
    it, and the viewer's answer."""
    everyone, mine, earlier = aliased(Participant), aliased(Participant), aliased(Participant)
    players = (
        select(func.count())
        .where(everyone.game_id == Game.id, everyone.response == Response.GOING)
        .scalar_subquery()
    )
    answer = (
        select(mine.response)
        .where(mine.game_id == Game.id, mine.user_id == _ME)
        .correlate(Game)
        .scalar_subquery()
    )
    # Correlated by hand: nested in ``ahead`` it would otherwise scan every game.
    position = (
        select(mine.position)
        .where(mine.game_id == Game.id, mine.user_id == _ME)
        .correlate(Game)
        .scalar_subquery()
    )
    ahead = (
        select(func.count())
        .where(
            earlier.game_id == Game.id,
            earlier.position < position,
            earlier.response == Response.GOING,
        )
        .scalar_subquery()
    )
    return players, position, ahead, answer


# Made once per filter shape: building a page's statement and its cache key cost CPU on every
# list request.
@cache
def _page_statements(
    shape: tuple[bool, ...],
) -> tuple[Select[Game, int, int, int, str, int], Select[int]]:
    """A page of games with their counts and the total; and the total alone."""
    filtered = _filtered(shape)
    page = (
        select(Game, *_page_columns(), func.count().over())
        .where(Game.id.in_(filtered))
        .options(joinedload(Game.guild), joinedload(Game.channel), joinedload(Game.host))
        .order_by(Game.scheduled_at, Game.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return page, select(func.count()).select_from(filtered.subquery())


async def list_games(
    db: AsyncSession, actor: Actor, filters: GameFilters, limit: int = 50, offset: int = 0
) -> GamePage:
    """Games in the viewer's servers, soonest first; another server's games never show.

    One query whatever the page size: the page with its counts and the total (a window count,
    taken before LIMIT); a page past the end counts apart.
    """
    if not actor.memberships:
        return GamePage([], 0, limit, offset)
    page, count = _page_statements(_shape(filters))
    parameters = _parameters(actor, filters)
    rows = (await db.execute(page, {**parameters, "limit": limit, "offset": offset})).all()
    if rows:
        total = rows[0][-1]
    elif offset:
        total = (await db.execute(count, parameters)).scalar_one()
    else:
        total = 0
    items = [
        GameSummary(
            game,
            players,
            None if position is None or answer != Response.GOING else ahead,
            None if answer is None else str(answer),
        )
        for game, players, position, ahead, answer, _ in rows
    ]
    return GamePage(items, total, limit, offset)


async def get_game(db: AsyncSession, actor: Actor, game_id: int) -> GameDetail:
    """One game with its roster by RSVP status and host; NotFound outside the viewer's servers."""
    game = await load_game(db, game_id, actor)
    roster = lineups.roster(game)
    mine = lineups.find(game, actor.discord_id)
    return GameDetail(
        game,
        roster.confirmed,
        roster.waitlist,
        None if mine is None else lineups.going_rank(game, mine),
        may_manage(actor, game),
        maybe=roster.maybe,
        declined=roster.declined,
        my_response=None if mine is None else lineups.answer(mine),
    )

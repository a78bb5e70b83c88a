"""Load games with what the use cases need, locked when the caller is about to change them."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from game_scheduler.database import lock_for_write
from game_scheduler.domain.permissions import Actor, can_manage_game, can_see
from game_scheduler.errors import NotAllowed, NotFound
from game_scheduler.models import Game, Participant

# Made once, the game's id a parameter: building a statement (its loader options) and its
# cache key cost CPU on every request.
_GAME = (
    select(Game)
    .options(
        joinedload(Game.guild, innerjoin=True),
        joinedload(Game.channel, innerjoin=True),
        joinedload(Game.host, innerjoin=True),
    )
    .where(Game.id == bindparam("game_id"))
    .execution_options(populate_existing=True)
)
_GAME_LOCKED = _GAME.with_for_update(of=Game)
# A second query, so that it reads after the lock is granted (a join in the locking statement
# would return the players as they were before the wait); their users join it. Spelled out
# rather than a ``selectinload``, whose query had its cache key made again on every load.
_PLAYERS = (
    select(Participant)
    .options(joinedload(Participant.user, innerjoin=True))
    .where(Participant.game_id == bindparam("game_id"))
    .order_by(Participant.position)
    .execution_options(populate_existing=True)
)


async def load_game(
    session: AsyncSession, game_id: int, actor: Actor | None = None, *, lock: bool = False
) -> Game:
    """The game with its server, channel, host and players in signup order.

    ``lock`` takes the game's row lock (PostgreSQL) or the database's write lock (SQLite),
    serialising every write to the game; the rows are then re-read under the lock.
    A game in a server the actor is not a member of is reported as not found.
    """
    stmt = _GAME
    if lock:
        await lock_for_write(session)
        stmt = _GAME_LOCKED
    key = {"game_id": game_id}
    game = (await session.execute(stmt, key)).scalar_one_or_none()
    if game is None or (actor is not None and not can_see(actor, game.guild.discord_id)):
        raise NotFound(f"game {game_id} not found")
    players = (await session.execute(_PLAYERS, key)).scalars().all()
    set_committed_value(game, "participants", list(players))
    return game


def may_manage(actor: Actor, game: Game) -> bool:
    """Whether the actor hosts the game or manages games in its server (game fully loaded)."""
    return can_manage_game(
        actor, game.guild.discord_id, game.host.discord_id, game.guild.manager_role_ids
    )


def check_can_manage(actor: Actor, game: Game) -> None:
    """Raise NotAllowed unless :func:`may_manage`."""
    if not may_manage(actor, game):
        raise NotAllowed("only the host or a bot manager can change this game")

"""Past games for the history tests: played out through the real services, then finished."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.status import GameStatus
from game_scheduler.models import Game, utcnow
from game_scheduler.services import signups
from tests.support.factories import create_game, member, player_id


async def past_game(
    host: Actor,
    players: int = 2,
    *,
    status: GameStatus = GameStatus.COMPLETED,
    started: datetime | None = None,
    max_players: int | None = None,
    title: str = "Catan night",
) -> tuple[int, list[int]]:
    """A game whose players joined before it started, now ``status``: (game id, player ids).

    The start is moved into the past as the clock would have; the status as the scheduler or
    a cancel would have set it.
    """
    game = await create_game(host, title=title, max_players=max_players or max(players, 1))
    ids = [player_id() for _ in range(players)]
    for discord_id in ids:
        async with get_db_session() as session:
            await signups.join_game(session, member(discord_id), game.id)
    async with get_db_session() as session:
        await session.execute(
            update(Game)
            .where(Game.id == game.id)
            .values(status=status, scheduled_at=started or utcnow() - timedelta(hours=3))
        )
        await session.commit()
    return game.id, ids

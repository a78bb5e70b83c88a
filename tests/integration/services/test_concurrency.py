"""Simultaneous signups on PostgreSQL: the row lock keeps the cap and positions exact."""

import asyncio

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.domain import waitlist
from game_scheduler.models import Participant
from game_scheduler.services import signups
from tests.support.factories import create_game, member, player_id, seed_channel

pytestmark = pytest.mark.postgres_only


async def test_fifty_simultaneous_joins_to_ten_seats(pg_db_url):
    await seed_channel()
    game = await create_game(max_players=10)
    players = [member(player_id()) for _ in range(50)]

    async def join(actor):
        async with get_db_session() as session:
            return await signups.join_game(session, actor, game.id)

    standings = await asyncio.gather(*(join(p) for p in players))
    assert sum(s.confirmed for s in standings) == 10
    assert sorted(s.waitlist_position for s in standings if not s.confirmed) == list(range(1, 41))
    async with get_db_session() as session:
        rows = (
            (
                await session.execute(
                    select(Participant)
                    .where(Participant.game_id == game.id)
                    .order_by(Participant.position)
                )
            )
            .scalars()
            .all()
        )
    positions = [r.position for r in rows]
    assert len(rows) == 50
    assert len(set(positions)) == 50
    lineup = waitlist.split(rows, 10)
    assert len(lineup.confirmed) == 10
    assert len(lineup.waitlist) == 40

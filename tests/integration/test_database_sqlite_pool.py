"""SQLite keeps connections for reuse, yet writers queued on the lock never starve the holder."""

import asyncio

import pytest

from game_scheduler.database import SQLITE_POOL_SIZE, get_async_engine, get_db_session
from game_scheduler.services import signups
from tests.support.factories import create_game, member, player_id, seed_channel


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_more_writers_than_pooled_connections_all_finish(db_url):
    await seed_channel()
    game = await create_game(max_players=5)
    players = [member(player_id()) for _ in range(SQLITE_POOL_SIZE * 3)]

    async def join(actor):
        async with get_db_session() as session:
            return await signups.join_game(session, actor, game.id)

    standings = await asyncio.wait_for(asyncio.gather(*(join(p) for p in players)), 120)
    assert sum(s.confirmed for s in standings) == 5
    assert sorted(s.waitlist_position for s in standings if not s.confirmed) == list(
        range(1, len(players) - 4)
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_connections_are_reused(db_url):
    engine = get_async_engine()
    for _ in range(3):
        async with get_db_session() as session:
            await session.connection()
    assert engine.pool.checkedin() >= 1

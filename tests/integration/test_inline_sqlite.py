"""The async engine's SQLite calls run on the loop; a wait for the write lock does not block it."""

import asyncio
import sqlite3

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from game_scheduler.database import get_async_engine, get_db_session, get_sync_db_session
from game_scheduler.inline_sqlite import InlineConnection, connector
from game_scheduler.models import Game
from tests.support.factories import create_game, join, seed_channel

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


async def test_a_join_waiting_on_a_sync_writer_leaves_the_loop_to_others(db_url):
    await seed_channel()
    game = await create_game(max_players=3)
    with get_sync_db_session() as other:  # the embedded scheduler's kind of connection
        other.execute(text("BEGIN IMMEDIATE"))
        joining = asyncio.create_task(join(game.id))
        # Were the join waiting in SQLite's busy handler, the loop would be stuck in it and
        # neither this sleep nor anything else would run until the join gave up.
        await asyncio.sleep(0.2)
        assert not joining.done()  # still waiting for the lock
        async with get_db_session() as reader:  # reads go on meanwhile (WAL)
            games = (await reader.execute(select(func.count()).select_from(Game))).scalar_one()
        assert games == 1
        other.rollback()
    standing = await asyncio.wait_for(joining, 30)
    assert standing.confirmed


async def test_a_lock_held_past_the_busy_timeout_fails_as_sqlite_would(db_url):
    await seed_channel()
    await create_game()
    engine = get_async_engine().sync_engine
    connect = connector(engine.dialect, engine.url, busy_timeout=0.1)
    connection = await connect()
    with get_sync_db_session() as other:
        other.execute(text("BEGIN IMMEDIATE"))
        cursor = connection.cursor()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await cursor.execute("BEGIN IMMEDIATE")
        other.rollback()
    await cursor.execute("BEGIN IMMEDIATE")  # free again: taken at once
    await connection.rollback()
    await connection.close()


async def test_sqlalchemy_drives_it_as_an_aiosqlite_connection(db_url):
    async with get_async_engine().connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, InlineConnection)
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        # SQLite's own busy handler would wait with the loop stopped: the retries wait instead.
        assert (await autocommit.execute(text("PRAGMA busy_timeout"))).scalar_one() == 0
        with pytest.raises(OperationalError, match="no such table"):
            await connection.execute(text("SELECT * FROM nowhere"))

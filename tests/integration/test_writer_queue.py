"""SQLite's async writers take turns in arrival order; every way a transaction ends passes it on."""

import asyncio
import contextlib

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError

from game_scheduler.database import get_async_engine, get_db_session, lock_for_write
from game_scheduler.messaging.handling import is_transient
from game_scheduler.models import Game
from game_scheduler.writer_queue import WriterQueue, writer_queue
from tests.support.factories import create_game, join, seed_channel

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _queue() -> WriterQueue:
    queue = writer_queue(get_async_engine())
    assert queue is not None
    return queue


async def _until_queued(count: int) -> None:
    # The queue exposes its length only as a count.
    while _queue().waiting < count:  # noqa: ASYNC110
        await asyncio.sleep(0.01)


async def test_concurrent_joins_are_served_in_arrival_order(db_url):
    await seed_channel()
    game = await create_game(max_players=3)
    joins = []
    async with get_db_session() as holder:
        await lock_for_write(holder)  # every join queues behind this transaction
        for queued in range(1, 13):
            joins.append(asyncio.create_task(join(game.id)))
            await asyncio.wait_for(_until_queued(queued), 30)
        await holder.commit()
    standings = await asyncio.wait_for(asyncio.gather(*joins), 60)
    assert [s.confirmed for s in standings] == [True] * 3 + [False] * 9
    assert [s.waitlist_position for s in standings[3:]] == list(range(1, 10))


async def _raise_inside(game_id: int) -> None:
    async with get_db_session() as session:
        await lock_for_write(session)
        raise RuntimeError("the use case failed under the lock")


async def _fail_a_statement(game_id: int) -> None:
    async with get_db_session() as session:
        await session.execute(update(Game).where(Game.id == game_id).values(title="taken"))
        await session.execute(update(Game).where(Game.id == game_id).values(title=None))


async def _invalidate_the_connection(game_id: int) -> None:
    async with get_db_session() as session:
        await lock_for_write(session)
        await (await session.connection()).invalidate()


async def _cancel_the_holder(game_id: int) -> None:
    locked = asyncio.Event()

    async def hold() -> None:
        async with get_db_session() as session:
            await lock_for_write(session)
            locked.set()
            await asyncio.Event().wait()

    holder = asyncio.create_task(hold())
    await locked.wait()
    holder.cancel()
    await holder


async def _cancel_a_waiter(game_id: int) -> None:
    async with get_db_session() as holder:
        await lock_for_write(holder)
        waiter = asyncio.create_task(join(game_id))
        await asyncio.wait_for(_until_queued(1), 30)
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
        await holder.commit()


@pytest.mark.parametrize(
    "end",
    [
        _raise_inside,
        _fail_a_statement,
        _invalidate_the_connection,
        _cancel_the_holder,
        _cancel_a_waiter,
    ],
)
async def test_the_next_writer_gets_in_however_a_turn_ended(db_url, end):
    await seed_channel()
    game = await create_game(max_players=3)
    with contextlib.suppress(RuntimeError, IntegrityError, asyncio.CancelledError):
        await end(game.id)
    _queue().timeout = 5.0  # a turn left held fails this join, instead of hanging the test
    standing = await join(game.id)
    assert standing.confirmed


async def test_a_writer_queued_too_long_fails_as_a_locked_database(db_url):
    await seed_channel()
    game = await create_game()
    _queue().timeout = 0.2
    async with get_db_session() as holder:
        await lock_for_write(holder)
        with pytest.raises(OperationalError, match="database is locked") as failure:
            await join(game.id)
        await holder.commit()
    assert is_transient(failure.value)  # retried like any outage, by the bus or the caller

"""SQLite's async writers, queued in-process in arrival order instead of in its busy handler."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry

# In a pooled connection's ``info`` while its transaction holds the writers' turn: how to end it.
_TURN = "game_scheduler_writer_turn"
# Statements SQLite takes its write lock for (pysqlite begins a transaction before DML).
_WRITE_STARTS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")


class WriterQueue:
    """An async SQLite engine's writers, let through to SQLite's write lock one at a time.

    SQLite's busy handler polls with growing sleeps (up to 100 ms) and lets in whoever asks at
    the right moment, so under load a writer may wait seconds while newcomers pass it. Queued
    here instead, on the event loop, writers go in arrival order (``asyncio.Lock`` is FIFO)
    and only the one whose turn it is asks SQLite. A turn is taken just before a transaction's
    first write (``BEGIN IMMEDIATE``, or the DML the driver begins a transaction for) and ends
    when its connection goes back to the pool: after the commit or rollback, on an error, a
    cancellation or an invalidated connection alike. Waiting is bounded by ``timeout`` (the
    busy timeout) and then fails as SQLite would ("database is locked"), so a cycle (a turn's
    holder waiting for a writer queued behind it) cannot hang ``up``. Sync writers (the
    embedded scheduler's thread) still meet the turn's holder in SQLite's busy handler.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.waiting = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = asyncio.Lock()

    async def take_turn(self) -> Callable[[], None]:
        """Wait until every writer queued before this one is done; returns how to end the turn."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # an engine outliving its event loop (tests): start afresh
            self._loop, self._lock = loop, asyncio.Lock()
        lock = self._lock
        self.waiting += 1
        try:
            async with asyncio.timeout(self.timeout):
                await lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked (writers' queue)") from None
        finally:
            self.waiting -= 1
        return functools.partial(_end_turn, loop, lock)


def _end_turn(loop: asyncio.AbstractEventLoop, lock: asyncio.Lock) -> None:
    """Let the next writer in: at once on the loop's thread, handed to the loop from another."""
    try:
        on_loop = asyncio.get_running_loop() is loop
    except RuntimeError:
        on_loop = False
    if on_loop:
        lock.release()
    elif not loop.is_closed():
        loop.call_soon_threadsafe(lock.release)


# Each async SQLite engine's queue, by its sync engine (what an AsyncSession's bind is).
_queues: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()


def writer_queue(engine: AsyncEngine) -> WriterQueue | None:
    """The engine's :class:`WriterQueue`; None unless it is an async SQLite engine."""
    return _queues.get(engine.sync_engine)


def queue_async_writers(engine: AsyncEngine, timeout: float) -> None:
    """Give an async SQLite engine its :class:`WriterQueue` (other engines: nothing to do)."""
    sync_engine = engine.sync_engine
    if sync_engine.dialect.name != "sqlite" or sync_engine in _queues:
        return
    queue = _queues[sync_engine] = WriterQueue(timeout)

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _take_turn(
        connection: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if _TURN in connection.info or not _starts_write(statement, context):
            return
        # Sync code on the event loop, in SQLAlchemy's greenlet: the driver's way to await.
        end = connection.connection.dbapi_connection.run_async(lambda _: queue.take_turn())
        connection.info[_TURN] = end

    event.listen(sync_engine, "checkin", _end_writer_turn)
    event.listen(sync_engine, "detach", _end_writer_turn)


def _starts_write(statement: str, context: Any) -> bool:
    """Whether SQLite takes its write lock for this statement."""
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    return statement.lstrip()[:16].upper().startswith(_WRITE_STARTS)


def _end_writer_turn(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    """A connection back in the pool (or leaving it) has ended its transaction: next writer."""
    end = record.info.pop(_TURN, None)
    if end is not None:
        end()

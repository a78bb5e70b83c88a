"""SQLite for the async engine without a thread per connection: each call runs on the event loop.

aiosqlite runs every call on its connection's own thread and hands the result back to the loop,
so a statement pays four thread switches and loop wake-ups (cursor, execute, fetch, close):
``bench/up_profile.py`` measured a join or leave in ``up`` at 30-32 ms of CPU on aiosqlite and
17-24 ms with the calls made inline. SQLite's calls are short (an embedded database in a local
file), so they run on the loop itself, a commit's wait for the disk included (a fsync of the
WAL: 0.4 ms here; handing commits to a thread instead cost more CPU than it saved). The wait that
can be long, another connection holding the write lock, is made on the loop instead of in
SQLite's busy handler: the connection's busy timeout is 0, and a call SQLite answers
``SQLITE_BUSY`` is tried again after an asyncio sleep (growing up to 20 ms) until
``busy_timeout`` has passed, so other requests run meanwhile. ``SQLITE_BUSY_SNAPSHOT`` (a write
in a transaction that read an older snapshot) is raised at once, as the busy handler does.

The classes are what SQLAlchemy's aiosqlite dialect calls on an ``async_creator``'s connection:
aiosqlite's connection and cursor methods, as coroutines.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy.engine import URL
from sqlalchemy.engine.interfaces import Dialect

T = TypeVar("T")

FIRST_RETRY_SECONDS = 0.001
LONGEST_RETRY_SECONDS = 0.02


async def _until_not_busy(attempt: Callable[[], Awaitable[T]], busy_timeout: float) -> T:
    """``await attempt()``, again while SQLite says another connection holds the lock."""
    deadline = time.monotonic() + busy_timeout
    pause = FIRST_RETRY_SECONDS
    while True:
        try:
            return await attempt()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_RETRY_SECONDS)


class InlineCursor:
    """A sqlite3 cursor behind aiosqlite's cursor interface."""

    def __init__(self, cursor: sqlite3.Cursor, busy_timeout: float) -> None:
        self._cursor = cursor
        self._busy_timeout = busy_timeout

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        async def attempt() -> None:
            self._cursor.execute(sql, parameters)

        await _until_not_busy(attempt, self._busy_timeout)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        rows = list(parameters)  # a retry needs them again

        async def attempt() -> None:
            self._cursor.executemany(sql, rows)

        await _until_not_busy(attempt, self._busy_timeout)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Immediate:
    """Runs what SQLAlchemy queues for aiosqlite's thread (its isolation level setter) at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the awaiting caller, as aiosqlite's thread does
            future.set_exception(error)


class InlineConnection:
    """A sqlite3 connection behind aiosqlite's connection interface."""

    def __init__(self, connection: sqlite3.Connection, busy_timeout: float) -> None:
        self._conn = connection
        # What SQLAlchemy's adapter reads of aiosqlite: the open connection and the call queue.
        self._connection: sqlite3.Connection | None = connection
        self._tx = _Immediate()
        self._busy_timeout = busy_timeout

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor(), self._busy_timeout)

    async def commit(self) -> None:
        async def attempt() -> None:
            self._conn.commit()

        await _until_not_busy(attempt, self._busy_timeout)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self._connection = None
        self._conn.close()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        self._connection = None
        self._conn.close()


def connector(
    dialect: Dialect, url: URL, busy_timeout: float
) -> Callable[[], Awaitable[InlineConnection]]:
    """An ``async_creator`` for ``create_async_engine``: the URL's database, opened inline."""
    args, options = dialect.create_connect_args(url)
    database: list[Any] = list(args)  # the file (or ":memory:"), as pysqlite would be given it

    async def connect() -> InlineConnection:
        connection = sqlite3.connect(
            *database, **{**options, "timeout": 0, "check_same_thread": False}
        )
        return InlineConnection(connection, busy_timeout)

    return connect

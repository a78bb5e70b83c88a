"""Engines made lazily, once per process: async sessions for api and bot, sync for the scheduler."""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from game_scheduler import inline_sqlite
from game_scheduler.config import get_settings
from game_scheduler.writer_queue import queue_async_writers

_sync_engine: Engine | None = None
_async_engine: AsyncEngine | None = None
_engine_pid: int | None = None
# Whether the async engine tests pooled connections that sat idle before lending them.
_async_pre_ping = True
# How long a pooled connection may sit idle and still be lent without a ping first.
PING_AFTER_IDLE_SECONDS = 2.0
_IDLE_SINCE = "game_scheduler_idle_since"


SQLITE_BUSY_TIMEOUT_MS = 30_000
# SQLite connections kept open for reuse (more are opened, never waited for, when all are out).
SQLITE_POOL_SIZE = 8
WRITE_LOCK_OPTION = "game_scheduler_write_lock"

SYNC_DRIVERS = {"postgresql": "psycopg", "sqlite": "pysqlite"}
ASYNC_DRIVERS = {"postgresql": "psycopg", "sqlite": "aiosqlite"}


def _with_driver(url: str, drivers: dict[str, str]) -> str:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in drivers:
        return url
    return parsed.set(drivername=f"{backend}+{drivers[backend]}").render_as_string(
        hide_password=False
    )


def sync_url(url: str) -> str:
    """Pick the sync driver: psycopg 3 for PostgreSQL, the stdlib for SQLite."""
    return _with_driver(url, SYNC_DRIVERS)


def async_url(url: str) -> str:
    """Pick the async driver: psycopg 3 for PostgreSQL; for SQLite, SQLAlchemy's aiosqlite
    dialect, its calls made on the event loop (:mod:`game_scheduler.inline_sqlite`)."""
    return _with_driver(url, ASYNC_DRIVERS)


def canonical_json(value: Any) -> str:
    """How JSON columns are stored: sorted keys, no spaces, UTF-8 text.

    An outbox row's payload is then the very body its event is published with
    (``Envelope.to_bytes``), so the relay sends the stored text instead of encoding it again.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _engine_options(url: str, *, asynchronous: bool = False) -> dict[str, Any]:
    """PostgreSQL pools connections; SQLite keeps a few and opens more whenever it must.

    A bounded pool deadlocks SQLite: twenty requests waiting for the one write lock (in the
    writer queue, each with its connection) would hold every pooled connection, and the writer
    holding the lock could not get the one it needs to finish (an event handler reading in a
    second session). So the overflow is
    unbounded (a checkout never waits); the pool only keeps ``SQLITE_POOL_SIZE`` open for
    reuse, because each new connection repeats the pragmas (``bench/up.py``: most of ``up``'s
    CPU per request when every use opened its own). The async engine's connections run their
    calls on the event loop (:mod:`game_scheduler.inline_sqlite`) and wait for the write lock
    there.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        options: dict[str, Any] = {
            "pool_size": SQLITE_POOL_SIZE,
            "max_overflow": -1,
            "json_serializer": canonical_json,
        }
        if asynchronous:
            dialect = parsed.get_dialect()()
            options["async_creator"] = inline_sqlite.connector(
                dialect, parsed, SQLITE_BUSY_TIMEOUT_MS / 1000
            )
        else:
            options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        return options
    settings = get_settings()
    return {
        "json_serializer": canonical_json,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
    }


def _ping_after_idle(engine: Engine) -> None:
    """Test a pooled PostgreSQL connection with a round trip before lending it, if it sat idle.

    ``pool_pre_ping`` pings at every checkout: a round trip per api request (and several per
    scheduler task) on connections handed back moments before. A connection idle for more than
    PING_AFTER_IDLE_SECONDS (a database restart is most likely to have broken it) is still
    tested, and replaced when dead; one that dies in between fails its statement like any
    connection lost in use.
    """
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _test_if_idle(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError("a pooled connection failed its ping") from error


def skip_async_pre_ping() -> None:
    """Lend pooled connections untested: for the bot, whose consumer retries any dead one.

    The ping is a round trip per checkout, and the bot checks out a connection several times
    per event; a connection that died meanwhile fails the statement with an error the consumer
    classes as transient, so the event is retried and the pool drops that connection.
    """
    global _async_pre_ping
    _async_pre_ping = False


def pool_capacity() -> int:
    """How many connections one engine may hold at once (pool size plus overflow)."""
    settings = get_settings()
    return settings.db_pool_size + settings.db_max_overflow


def _configure_sqlite(engine: Engine) -> None:
    """SQLite: foreign keys, WAL, a busy wait; ``BEGIN IMMEDIATE`` for a write that asks for it.

    Other transactions keep the driver's own behaviour: reads run outside a transaction and
    BEGIN comes just before the first write, which then waits its turn for the write lock
    (on the async engine in its writer queue first). See :func:`lock_for_write` for the
    writes that must read under the lock.
    """
    if engine.dialect.name != "sqlite":
        return

    # The async engine's connections wait for the lock on the event loop, not in SQLite.
    busy_timeout_ms = 0 if engine.dialect.is_async else SQLITE_BUSY_TIMEOUT_MS

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_LOCK_OPTION, False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


async def lock_for_write(session: AsyncSession) -> None:
    """Take the database's write lock for the rest of this transaction where rows cannot be locked.

    PostgreSQL locks rows (``FOR UPDATE``): nothing to do. SQLite ignores ``FOR UPDATE``: two
    joins would both read the same roster and write the same position (or, inside one deferred
    transaction, the second fails at once with "database is locked"). So on SQLite the write
    transaction starts with ``BEGIN IMMEDIATE`` and each writer reads what the one before it
    committed. Async writers wait for it in arrival order in the engine's
    :class:`~game_scheduler.writer_queue.WriterQueue`, sync ones in SQLite's busy handler
    (both up to the busy timeout). What the session did before (say, resolving the signed-in
    user) is committed first, as its own transaction.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        current = (await session.connection()).sync_connection
        if current is not None and current.get_execution_options().get(WRITE_LOCK_OPTION, False):
            return
        await session.commit()
    await session.connection(execution_options={WRITE_LOCK_OPTION: True})


def _check_pid() -> None:
    """A forked child must not reuse its parent's connections: drop them without closing."""
    global _sync_engine, _async_engine, _engine_pid
    if _engine_pid is not None and _engine_pid != os.getpid():
        if _sync_engine is not None:
            _sync_engine.dispose(close=False)
        _sync_engine = None
        _async_engine = None
    _engine_pid = os.getpid()


def get_sync_engine() -> Engine:
    """The process's sync engine, made on first use."""
    global _sync_engine
    _check_pid()
    if _sync_engine is None:
        url = sync_url(get_settings().database_url)
        _sync_engine = create_engine(url, **_engine_options(url))
        _ping_after_idle(_sync_engine)
        _configure_sqlite(_sync_engine)
    return _sync_engine


def get_async_engine() -> AsyncEngine:
    """The process's async engine, made on first use."""
    global _async_engine
    _check_pid()
    if _async_engine is None:
        url = async_url(get_settings().database_url)
        _async_engine = create_async_engine(url, **_engine_options(url, asynchronous=True))
        if _async_pre_ping:
            _ping_after_idle(_async_engine.sync_engine)
        _configure_sqlite(_async_engine.sync_engine)
        queue_async_writers(_async_engine, SQLITE_BUSY_TIMEOUT_MS / 1000)
    return _async_engine


def lock_for_write_sync(session: Session) -> None:
    """:func:`lock_for_write` for the scheduler's sync sessions."""
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.connection().get_execution_options().get(WRITE_LOCK_OPTION, False):
            return
        session.commit()
    session.connection(execution_options={WRITE_LOCK_OPTION: True})


@contextmanager
def get_sync_db_session() -> Iterator[Session]:
    """A sync session for the scheduler; rolled back if the block raises."""
    factory = sessionmaker(get_sync_engine(), expire_on_commit=False)
    with factory() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


@asynccontextmanager
async def get_db_session() -> AsyncIterator[AsyncSession]:
    """An async session for api and bot; rolled back if the block raises."""
    factory = async_sessionmaker(get_async_engine(), expire_on_commit=False)
    async with factory() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise


async def db_session_dependency() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency form of :func:`get_db_session`."""
    async with get_db_session() as session:
        yield session


def dispose_after_fork() -> None:
    """Forget the parent's engines in a freshly forked worker process."""
    global _sync_engine, _async_engine, _engine_pid
    if _sync_engine is not None:
        _sync_engine.dispose(close=False)
    _sync_engine = None
    _async_engine = None
    _engine_pid = os.getpid()


async def dispose_engines() -> None:
    """Close every pooled connection (tests and clean shutdown)."""
    global _sync_engine, _async_engine
    if _async_engine is not None:
        await _async_engine.dispose()
    if _sync_engine is not None:
        _sync_engine.dispose()
    _sync_engine = None
    _async_engine = None


def dispose_sync_engine() -> None:
    """Close the sync engine's connections (scheduler shutdown, tests)."""
    global _sync_engine
    if _sync_engine is not None:
        _sync_engine.dispose()
    _sync_engine = None

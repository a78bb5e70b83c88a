"""Pooled PostgreSQL connections are pinged only after sitting idle: a dead one is replaced."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from game_scheduler import database
from game_scheduler.database import get_db_session, get_sync_db_session


async def backend_pid() -> int:
    async with get_db_session() as session:
        return int((await session.execute(select(text("pg_backend_pid()")))).scalar_one())


def terminate(pid: int) -> None:
    """Kill a backend from another connection, as a database restart would."""
    with get_sync_db_session() as session:
        session.execute(select(text("pg_terminate_backend(:pid)")), {"pid": pid})


async def test_an_idle_connection_that_died_is_replaced_before_use(pg_db_url, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    dead = await backend_pid()
    terminate(dead)
    assert await backend_pid() != dead  # no error: the ping found it dead, the pool reconnected


async def test_a_connection_back_moments_ago_is_lent_without_a_ping(pg_db_url, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600.0)
    terminate(await backend_pid())
    with pytest.raises(DBAPIError):  # lent untested: the dead connection's statement fails
        await backend_pid()
    await backend_pid()  # and the pool dropped it

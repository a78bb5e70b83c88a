"""What one database round trip costs the api's process, layer by layer, on PostgreSQL.

The statement every api request runs first (the signed-in session with its user, by key) is
executed ``--count`` times through each layer the api stacks, in one process, and the CPU per
statement is printed:

1. psycopg alone (``AsyncConnection``, autocommit, prepared after the first few);
2. SQLAlchemy Core on the api's async engine (``AsyncConnection.execute``, one transaction);
3. SQLAlchemy ORM (``AsyncSession.execute``: the entities built, the identity map cleared);
4. a request's whole unit: an ORM session lent from the pool, BEGIN, the statement, COMMIT.

Layers 2-4 are what every statement of a request costs at least; multiplied by the statements a
request makes (``bench/api_profile.py`` counts them) they give the api's floor per request on
this stack, before any rule of ours runs. Ratios to psycopg are measured in the same run.

    python -m bench.statement_floor [--count 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Awaitable, Callable

import psycopg
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bench.api import seed
from bench.messaging import DEFAULT_DATABASE_URL, own_database
from game_scheduler import database
from game_scheduler.config import get_settings
from game_scheduler.models import User, WebSession
from game_scheduler.services.auth import tokens
from game_scheduler.services.auth.cookies import COOKIE_NAME

RAW_SQL = (
    "SELECT * FROM web_session JOIN user_account ON user_account.id = web_session.user_id"
    " WHERE web_session.id = %s"
)


async def cpu_per_call(call: Callable[[], Awaitable[None]], count: int) -> float:
    """CPU seconds per ``call`` after a warm-up (connections, statement caches, prepares)."""
    for _ in range(50):
        await call()
    started = time.process_time()
    for _ in range(count):
        await call()
    return (time.process_time() - started) / count


async def measure(db_url: str, count: int) -> list[tuple[str, float]]:
    signed_in, _ = await seed(1, 1, 0)
    key = tokens.session_key(signed_in[0]["Cookie"].removeprefix(f"{COOKIE_NAME}="))
    engine = database.get_async_engine()
    core = select(WebSession.__table__, User.__table__).join(User).where(WebSession.id == key)
    orm = select(WebSession).options(joinedload(WebSession.user)).where(WebSession.id == key)
    figures = []
    async with await psycopg.AsyncConnection.connect(db_url, autocommit=True) as raw:

        async def raw_statement() -> None:
            cursor = await raw.execute(RAW_SQL, (key,))
            assert await cursor.fetchone() is not None

        figures.append(("psycopg alone", await cpu_per_call(raw_statement, count)))
    async with engine.connect() as connection:

        async def core_statement() -> None:
            (await connection.execute(core)).one()

        figures.append(("SQLAlchemy Core", await cpu_per_call(core_statement, count)))
    async with database.get_db_session() as session:

        async def orm_statement() -> None:
            session.expunge_all()
            (await session.execute(orm)).scalar_one()

        figures.append(("SQLAlchemy ORM", await cpu_per_call(orm_statement, count)))

    async def unit() -> None:
        async with database.get_db_session() as session:
            (await session.execute(orm)).scalar_one()
            await session.commit()

    figures.append(("ORM session: BEGIN, statement, COMMIT", await cpu_per_call(unit, count)))
    await database.dispose_engines()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="statements per layer")
    args = parser.parse_args()
    admin = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    with own_database(admin) as db_url:
        os.environ["DATABASE_URL"] = db_url
        get_settings.cache_clear()
        figures = asyncio.run(measure(db_url, args.count))
    floor = figures[0][1]
    print(f"one round trip (the session lookup), {args.count} times per layer, this process's CPU:")
    for label, seconds in figures:
        print(f"  {label:<40} {seconds * 1000:6.3f} ms   {seconds / floor:5.1f}x psycopg")


if __name__ == "__main__":
    main()

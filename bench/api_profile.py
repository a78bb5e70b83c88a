"""Where the api's CPU goes per request: join+leave and list, in-process, under pyinstrument.

The app the production entry builds (``production_app``: aio-pika publisher, RabbitMQ confirms),
driven through httpx's ASGI transport by one client, requests one after another (no HTTP
server: what remains is the app's own work). Seeded as ``bench/api.py`` seeds. Prints each
scenario's pyinstrument text profile, its CPU per request, the statements per request by
kind (those SQLAlchemy sends; psycopg's own BEGIN and COMMIT come on top) and the statements
SQLAlchemy had to make a cache key for per request (0 when every statement is built once).

    python -m bench.api_profile [--requests 400]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from pyinstrument import Profiler
from sqlalchemy import event
from sqlalchemy.sql.cache_key import HasCacheKey

from bench.api import seed
from bench.messaging import DEFAULT_DATABASE_URL, DEFAULT_RABBITMQ_URL, own_database, own_vhost
from game_scheduler import database
from game_scheduler.config import get_settings


@asynccontextmanager
async def in_process(app: FastAPI, headers: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """The app's lifespan, and a client signed in with ``headers`` on its ASGI transport."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1", headers=headers
        ) as http,
    ):
        yield http


async def join_and_leave(http: httpx.AsyncClient, game: int) -> None:
    """Join the game, then leave it, both answered 200."""
    for action in ("join", "leave"):
        response = await http.post(f"/api/v1/games/{game}/{action}")
        assert response.status_code == 200, response.text


async def profile(requests: int) -> None:
    signed_in, ids = await seed(1, 50, 6)
    from game_scheduler.app.http import production_app  # after the settings point at our db

    app = production_app()
    rng = random.Random(1)
    statements: collections.Counter[str] = collections.Counter()

    @event.listens_for(database.get_async_engine().sync_engine, "before_cursor_execute")
    def count(_c: Any, _cur: Any, statement: str, _p: Any, _ctx: Any, _many: bool) -> None:
        statements[statement.split(None, 1)[0].upper()] += 1

    # SQLAlchemy's own (private) method, called once per statement object: a statement built
    # per call, or copied per execution, is keyed again each time (0.2-0.35 ms of CPU here).
    generate_key = HasCacheKey._generate_cache_key

    def keyed(element: HasCacheKey) -> Any:
        statements["cache keys"] += 1
        return generate_key(element)

    HasCacheKey._generate_cache_key = keyed  # type: ignore[method-assign,assignment]

    async with in_process(app, signed_in[0]) as http:

        async def join_leave() -> None:
            await join_and_leave(http, rng.choice(ids))

        async def list_games() -> None:
            offset = rng.choice((0, 0, 0, 20))
            response = await http.get("/api/v1/games", params={"limit": 20, "offset": offset})
            assert response.status_code == 200, response.text

        for label, step, per_step in (("join+leave", join_leave, 2), ("list", list_games, 1)):
            for _ in range(20):  # warm-up: connections, statement caches
                await step()
            profiler = Profiler(async_mode="enabled", interval=0.0005)
            statements.clear()
            cpu = time.process_time()
            profiler.start()
            for _ in range(requests // per_step):
                await step()
            profiler.stop()
            done = requests // per_step * per_step
            used = (time.process_time() - cpu) / done
            print(profiler.output_text(unicode=False, color=False, show_all=False))
            print(f"{label} in-process ms CPU/request (profiler on): {used * 1000:.2f}")
            keys = statements.pop("cache keys", 0)
            kinds = ", ".join(f"{kind} {n / done:.1f}" for kind, n in sorted(statements.items()))
            print(f"{label} statements/request: {kinds}")
            print(f"{label} cache keys made per request: {keys / done:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    admin = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    broker = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
    with own_database(admin) as db_url, own_vhost(broker) as amqp_url:
        os.environ["DATABASE_URL"] = db_url
        os.environ["RABBITMQ_URL"] = amqp_url
        os.environ.setdefault("SIGNUP_CHANGES_PER_MINUTE", "0")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        get_settings.cache_clear()
        asyncio.run(profile(args.requests))


if __name__ == "__main__":
    main()

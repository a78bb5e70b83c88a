"""Where ``up``'s CPU goes per signup: its app, bus and console bot in-process, on SQLite.

The HTTP app ``game-scheduler up`` builds, with the in-process bus and the console bot's
handlers, driven through httpx's ASGI transport by one client, one request after another
(join, then leave, then until the announcement keeper is idle). Seeded as ``bench/up.py``
seeds. Prints the CPU per request (all threads: aiosqlite's included) and the statements per
request, for three set-ups: ``full`` (as ``up`` runs), ``no-handlers`` (the bus claims and
completes each event but nothing handles it) and ``no-bus`` (events stay in the outbox).

    python -m bench.up_profile [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import tempfile
import time
from typing import Any

from sqlalchemy import event

from bench.api import seed
from bench.api_profile import in_process, join_and_leave
from game_scheduler import database, migrate
from game_scheduler.config import get_settings

MODES = ("full", "no-handlers", "no-bus")


async def profile(mode: str, requests: int) -> None:
    signed_in, ids = await seed(1, 20, 4)
    # Imported once the settings point at the benchmark's database.
    from game_scheduler.app.http import create_http_app
    from game_scheduler.bot.console_port import ConsolePort
    from game_scheduler.bot.handlers import BotHandlers
    from game_scheduler.messaging.bus import InProcessBus

    handlers = BotHandlers(ConsolePort())
    bus = InProcessBus(handlers.mapping() if mode == "full" else {})
    app = create_http_app(
        event_publisher=None if mode == "no-bus" else bus,
        publish_after_response=False,  # as up builds it
        demo_login=True,
    )
    statements: collections.Counter[str] = collections.Counter()

    @event.listens_for(database.get_async_engine().sync_engine, "before_cursor_execute")
    def count(_c: Any, _cur: Any, statement: str, _p: Any, _ctx: Any, _many: bool) -> None:
        statements[statement.split(None, 1)[0].upper()] += 1

    rng = random.Random(1)
    await bus.start()
    async with in_process(app, signed_in[0]) as http:

        async def join_leave() -> None:
            await join_and_leave(http, rng.choice(ids))
            await handlers.keeper.wait_idle()

        for _ in range(20):  # warm-up: connections, statement caches
            await join_leave()
        statements.clear()
        cpu = time.process_time()
        for _ in range(requests // 2):
            await join_leave()
        used = (time.process_time() - cpu) / (requests // 2 * 2)
    await bus.stop()
    per_request = {kind: count / (requests // 2 * 2) for kind, count in statements.items()}
    print(f"{mode:<12} ms CPU/request: {used * 1000:5.1f}   statements/request: ", end="")
    print(", ".join(f"{kind} {n:.1f}" for kind, n in sorted(per_request.items())), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--mode", choices=MODES, action="append", help="default: all three")
    args = parser.parse_args()
    for mode in args.mode or MODES:
        with tempfile.TemporaryDirectory(prefix="gs_bench_up_profile_") as tmp:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/up.db"
            os.environ["SIGNUP_CHANGES_PER_MINUTE"] = "0"
            os.environ.setdefault("LOG_LEVEL", "WARNING")
            get_settings.cache_clear()
            migrate.upgrade()
            asyncio.run(profile(mode, args.requests))
            asyncio.run(database.dispose_engines())
            database.dispose_sync_engine()


if __name__ == "__main__":
    main()

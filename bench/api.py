"""API throughput and p99 latency: join/leave and list-games, 4 uvicorn workers on PostgreSQL.

The server is ``game-scheduler api --workers N`` in its own processes, publishing events to a
RabbitMQ vhost of the benchmark's own; this process seeds the database (sessions written straight
to it, so no OAuth) and then drives the load over loopback with aiohttp. It makes and drops its
own database and vhost.

    python -m bench.api [--workers 4] [--concurrency 64] [--duration 15]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp

from bench.messaging import DEFAULT_DATABASE_URL, DEFAULT_RABBITMQ_URL, own_database, own_vhost
from game_scheduler import database
from game_scheduler.api.deps import CSRF_HEADER
from game_scheduler.config import get_settings
from game_scheduler.domain.permissions import Actor, Membership
from game_scheduler.models import utcnow
from game_scheduler.services import games, registry, signups
from game_scheduler.services.auth import sessions
from game_scheduler.services.auth.cookies import COOKIE_NAME
from game_scheduler.services.auth.membership import GuildAccess, encode_access

GUILD_ID = 910_000_000_000_000_001
CHANNEL_ID = 910_000_000_000_000_101


def actor(discord_id: int) -> Actor:
    """A plain member of the benchmark's server."""
    membership = Membership(GUILD_ID, frozenset(), manage_guild=False)
    return Actor(discord_id, f"u{discord_id % 10_000}", {GUILD_ID: membership})


Headers = dict[str, str]


async def seed(users: int, game_count: int, players_each: int) -> tuple[list[Headers], list[int]]:
    """A server, games with some players each, and a signed-in session's headers per user."""
    host = Actor.member_of(810_000_000_000_000_001, GUILD_ID, manage_guild=True, username="host")
    async with database.get_db_session() as db:
        guild = await registry.ensure_guild(db, GUILD_ID, "Bench")
        await registry.ensure_channel(db, guild, CHANNEL_ID, "games")
        await db.commit()
    game_ids = []
    for n in range(game_count):
        draft = games.GameDraft(
            channel_discord_id=CHANNEL_ID,
            title=f"Game {n}",
            scheduled_at=utcnow() + timedelta(days=1, minutes=n),
            max_players=8,
        )
        async with database.get_db_session() as db:
            game_ids.append((await games.create_game(db, host, draft)).id)
    seated = [actor(830_000_000_000_000_000 + n) for n in range(game_count + players_each)]
    for n, game_id in enumerate(game_ids):
        for player in seated[n : n + players_each]:
            async with database.get_db_session() as db:
                await signups.join_game(db, player, game_id)
    cache = encode_access([GuildAccess(GUILD_ID, "Bench", False, frozenset())])
    signed_in = []
    async with database.get_db_session() as db:
        for member in (actor(820_000_000_000_000_000 + n) for n in range(users)):
            user = await registry.ensure_user(db, member.discord_id, member.username)
            await db.flush()
            # Memberships stamped a day ahead stay fresh: no Discord during the run.
            made = await sessions.create_session(
                db, user.id, utcnow(), None, cache, cached_at=utcnow() + timedelta(days=1)
            )
            signed_in.append(
                {
                    "Cookie": f"{COOKIE_NAME}={made.cookie_value}",
                    CSRF_HEADER: made.web_session.csrf_token,
                }
            )
    await database.dispose_engines()
    return signed_in, game_ids


@dataclass
class Tally:
    """Latencies (seconds) of successful requests, and failures by status."""

    latencies: list[float] = field(default_factory=list)
    failures: dict[int, int] = field(default_factory=dict)

    def p99_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000 if ordered else 0.0

    def report(self, label: str, seconds: float) -> str:
        ordered = sorted(self.latencies)
        if not ordered:
            return f"{label}: no successful requests; failures {self.failures}"

        def pct(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

        return (
            f"{label:<22} {len(ordered) / seconds:8.0f} req/s   p50 {pct(0.50):6.1f} ms   "
            f"p99 {pct(0.99):6.1f} ms   requests {len(ordered)}   failures {self.failures or 0}"
        )


Step = Callable[[aiohttp.ClientSession, str, random.Random, Tally], Awaitable[None]]


async def timed(tally: Tally, call: Awaitable[aiohttp.ClientResponse], ok: int = 200) -> None:
    """Send one request and record its latency, or its status if it failed."""
    started = time.perf_counter()
    async with await call as response:
        await response.read()
        if response.status == ok:
            tally.latencies.append(time.perf_counter() - started)
        else:
            tally.failures[response.status] = tally.failures.get(response.status, 0) + 1


def join_leave(game_ids: list[int]) -> Step:
    """Join a random game, then leave it (two requests, each its own transaction and events)."""

    async def step(http: aiohttp.ClientSession, base: str, rng: random.Random, t: Tally) -> None:
        game = rng.choice(game_ids)
        await timed(t, http.post(f"{base}/api/v1/games/{game}/join"))
        await timed(t, http.post(f"{base}/api/v1/games/{game}/leave"))

    return step


async def list_games(http: aiohttp.ClientSession, base: str, rng: random.Random, t: Tally) -> None:
    """The first page of upcoming games, as the dashboard's home page asks for it."""
    offset = rng.choice((0, 0, 0, 20))
    await timed(t, http.get(f"{base}/api/v1/games", params={"limit": 20, "offset": offset}))


async def drive(
    base: str, signed_in: list[Headers], step: Step, concurrency: int, seconds: float
) -> tuple[Tally, float]:
    """``concurrency`` users, each with its own session, repeat ``step`` until time is up."""
    tally = Tally()
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def user(n: int) -> None:
        rng = random.Random(n)
        async with aiohttp.ClientSession(connector=connector, connector_owner=False) as http:
            http.headers.update(signed_in[n])
            while time.perf_counter() < deadline:
                await step(http, base, rng, tally)

    started = time.perf_counter()
    await asyncio.gather(*(user(n) for n in range(concurrency)))
    elapsed = time.perf_counter() - started
    await connector.close()
    return tally, elapsed


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants (Linux /proc)."""
    total, pending = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(child) for child in children.read().split()]
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    db_url: str, amqp_url: str, workers: int, port: int, broker: bool
) -> subprocess.Popen[bytes]:
    """``game-scheduler api`` in its own processes; returns once it accepts connections."""
    env = os.environ | {
        "DATABASE_URL": db_url,
        "RABBITMQ_URL": amqp_url,
        "LOG_LEVEL": "WARNING",
        "SIGNUP_CHANGES_PER_MINUTE": "0",  # the benchmark toggles one user on one game
    }
    if broker:
        # The api's own main(), as `game-scheduler api` runs it.
        launch = "import sys; from game_scheduler.app.http import main; main('api', sys.argv[1:])"
        command = [sys.executable, "-c", launch]
    else:
        factory = "game_scheduler.api.app:create_app"
        command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--log-level", "warning"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the api server did not start")


def stop_server(server: subprocess.Popen[bytes], grace: float) -> None:
    """Ctrl-C the server; killed if it has not stopped within ``grace`` seconds."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        server.kill()


async def run(
    args: argparse.Namespace, base: str, server_pid: int, signed_in: list[Headers], ids: list[int]
) -> None:
    scenarios: list[tuple[str, str, Step]] = [
        ("join + leave", "join+leave", join_leave(ids)),
        ("list games (20/page)", "list", list_games),
    ]
    summary: list[tuple[str, float, float, float]] = []
    for label, short, step in scenarios:
        await drive(base, signed_in, step, args.concurrency, 2.0)  # warm-up, not counted
        cpu_before, own_before = tree_cpu_seconds(server_pid), time.process_time()
        tally, elapsed = await drive(base, signed_in, step, args.concurrency, args.duration)
        server_cpu = tree_cpu_seconds(server_pid) - cpu_before
        own_cpu = time.process_time() - own_before
        done = max(1, len(tally.latencies))
        print(tally.report(label, elapsed), flush=True)
        print(
            f"{'':<22} api CPU {server_cpu / done * 1000:5.1f} ms/req   "
            f"load generator CPU {own_cpu / done * 1000:5.1f} ms/req",
            flush=True,
        )
        summary.append((short, len(tally.latencies) / elapsed, tally.p99_ms(), server_cpu / done))
    # The figures issue 18 asks for, CPU per request last (the steady one on a shared machine).
    for short, rate, p99, _ in summary:
        print(f"{short} req/s: {rate:.0f}   p99 ms: {p99:.0f}")
    for short, _, _, cpu in summary:
        print(f"{short} ms CPU/request: {cpu * 1000:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=64, help="simultaneous users")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument("--games", type=int, default=50)
    parser.add_argument("--players", type=int, default=6, help="players already in each game")
    parser.add_argument(
        "--no-broker", action="store_true", help="no publisher: events wait in the outbox"
    )
    args = parser.parse_args()
    admin = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    broker = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
    with own_database(admin) as db_url, own_vhost(broker) as amqp_url:
        os.environ["DATABASE_URL"] = db_url
        get_settings.cache_clear()
        signed_in, ids = asyncio.run(seed(args.concurrency, args.games, args.players))
        port = free_port()
        server = start_server(db_url, amqp_url, args.workers, port, not args.no_broker)
        events = "outbox only" if args.no_broker else "RabbitMQ publishing"
        print(
            f"api: {args.workers} uvicorn workers, PostgreSQL, {events}; "
            f"{args.concurrency} concurrent users over loopback, {args.duration:.0f} s per run; "
            f"{args.games} games",
            flush=True,
        )
        try:
            asyncio.run(run(args, f"http://127.0.0.1:{port}", server.pid, signed_in, ids))
        finally:
            stop_server(server, grace=20)


if __name__ == "__main__":
    main()

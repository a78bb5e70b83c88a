"""How many events per second one bot process handles end to end, and how fast each one.

RabbitMQ -> ``game-scheduler bot`` (one process, the real consumer and handlers) -> a fake
Discord in this process (no rate limits). Games and players are seeded in PostgreSQL first.

1. DM throughput: ``--dms`` reminder ``notification.send_dm`` events published at once; the clock
   runs from the first publish to the last DM the fake received.
2. Announcement throughput: one ``game.updated`` per game for ``--games`` games whose
   announcements exist; the clock runs to the last edit the fake received.
3. Handling latency: ``--paced`` DM events and as many game updates published at ``--rate``
   events/s (below saturation); per event, the fake's receipt time minus the publish time.

Prints ``bot DM events/s: N``, ``bot announcement events/s: N`` and
``bot handling p99: X ms`` (goals: >= 200 DM events/s, p99 < 250 ms). It makes and removes its
own PostgreSQL database and RabbitMQ vhost (needs ``rabbitmqctl``).

    python bench/bot.py [--dms 2000] [--games 300] [--paced 300] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: bench/ and tests/ are importable

from sqlalchemy import update  # noqa: E402
from tests.fakes.discord import FakeDiscord  # noqa: E402
from tests.support.factories import CHANNEL_ID, GUILD_ID  # noqa: E402
from tests.support.production_stack import process_env  # noqa: E402
from tests.support.scheduler_processes import scheduler_process  # noqa: E402
from tests.support.seeding import SeededGame, seed_games  # noqa: E402

from bench.messaging import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEFAULT_RABBITMQ_URL,
    own_database,
    own_vhost,
)
from game_scheduler import database  # noqa: E402
from game_scheduler.config import get_settings  # noqa: E402
from game_scheduler.messaging.events import (  # noqa: E402
    DmKind,
    Envelope,
    EventType,
    GameChanged,
    SendDm,
    make_event,
)
from game_scheduler.messaging.publisher import AsyncPublisher  # noqa: E402
from game_scheduler.models import Game, utcnow  # noqa: E402

PLAYERS_PER_GAME = 10


def reminder(game: SeededGame, recipient: int) -> Envelope:
    return make_event(
        EventType.SEND_DM,
        SendDm(
            recipient_discord_id=str(recipient),
            kind=DmKind.REMINDER,
            game_id=game.game_id,
            title="Bench night",
            starts_at=int(game.scheduled_at.timestamp()),
            offset_minutes=15,
            guild_discord_id=str(GUILD_ID),
            channel_discord_id=str(CHANNEL_ID),
        ),
    )


def updated(game: SeededGame) -> Envelope:
    return make_event(
        EventType.GAME_UPDATED,
        GameChanged(
            game_id=game.game_id,
            guild_discord_id=str(GUILD_ID),
            channel_discord_id=str(CHANNEL_ID),
            changes=["description"],
        ),
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


class Bench:
    def __init__(self, fake: FakeDiscord, rabbitmq_url: str) -> None:
        self.fake = fake
        self.publisher = AsyncPublisher(rabbitmq_url)

    def dm_receipts(self, users: list[int]) -> dict[int, float]:
        """User -> when the fake received the (first) DM to them."""
        channels = {self.fake.state.dm_channels.get(u): u for u in users}
        found: dict[int, float] = {}
        for request in self.fake.state.requests:
            if request.method != "POST" or not request.path.endswith("/messages"):
                continue
            channel = int(request.path.split("/")[2])
            user = channels.get(channel)
            if user is not None and user not in found:
                found[user] = request.received_at
        return found

    def edit_receipts(self, since: float) -> list[float]:
        return [
            r.received_at
            for r in self.fake.state.requests
            if r.method == "PATCH" and r.received_at >= since
        ]

    async def until(self, check, within: float) -> None:
        deadline = time.monotonic() + within
        while not check():
            if time.monotonic() > deadline:
                raise SystemExit("the bot did not finish in time")
            await asyncio.sleep(0.05)

    async def dm_throughput(self, pairs: list[tuple[SeededGame, int]]) -> float:
        events = [reminder(g, u) for g, u in pairs]
        users = [u for _, u in pairs]
        started = time.time()
        await self.publisher.publish_many(events)
        await self.until(lambda: len(self.dm_receipts(users)) == len(users), 600)
        elapsed = max(self.dm_receipts(users).values()) - started
        rate = len(events) / elapsed
        print(f"DMs: {len(events)} events in {elapsed:.2f} s", flush=True)
        return rate

    async def announcement_throughput(self, games: list[SeededGame]) -> float:
        started = time.time()
        await self.publisher.publish_many([updated(g) for g in games])
        await self.until(lambda: len(self.edit_receipts(started)) >= len(games), 600)
        elapsed = max(self.edit_receipts(started)) - started
        rate = len(games) / elapsed
        print(f"announcements: {len(games)} edits in {elapsed:.2f} s", flush=True)
        return rate

    async def paced(
        self, pairs: list[tuple[SeededGame, int]], games: list[SeededGame], rate: float
    ) -> tuple[list[float], list[float]]:
        """Latencies (ms) of DMs and of announcement edits published one at a time."""
        dm_sent: dict[int, float] = {}
        edit_sent: list[float] = []
        interval = 1 / rate
        for n, (game, user) in enumerate(pairs):
            dm_sent[user] = time.time()
            await self.publisher.publish(reminder(game, user))
            await asyncio.sleep(interval / 2)
            if n < len(games):
                edit_sent.append(time.time())
                await self.publisher.publish(updated(games[n]))
            await asyncio.sleep(interval / 2)
        users = list(dm_sent)
        await self.until(lambda: len(self.dm_receipts(users)) == len(users), 120)
        first = edit_sent[0] if edit_sent else time.time()
        await self.until(lambda: len(self.edit_receipts(first)) >= len(edit_sent), 120)
        received = self.dm_receipts(users)
        dm_ms = [(received[u] - dm_sent[u]) * 1000 for u in users]
        edits = sorted(self.edit_receipts(first))
        edit_ms = [(got - sent) * 1000 for sent, got in zip(edit_sent, edits, strict=False)]
        return dm_ms, edit_ms


async def run(args: argparse.Namespace, db_url: str, rabbitmq_url: str) -> None:
    fake = FakeDiscord(token="bench-bot-token")
    guild = fake.state.add_guild(GUILD_ID, "Bench Server")
    guild.channels[CHANNEL_ID] = "games"
    await fake.start()
    os.environ["DATABASE_URL"] = db_url
    get_settings.cache_clear()
    per_game = PLAYERS_PER_GAME
    dm_games = (args.dms + args.paced) // per_game + 1
    start = utcnow() + timedelta(days=1)
    with database.get_sync_db_session() as session:
        seeded = seed_games(
            session, [start] * max(dm_games, args.games), players=per_game, waitlisted=0
        )
    pairs = [(g, u) for g in seeded for u in g.confirmed]
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-long-enough-to-look-real")
    env = process_env(
        database_url=db_url,
        rabbitmq_url=rabbitmq_url,
        discord_token=fake.token,
        discord_api_base=fake.api_base,
        discord_gateway_url=fake.gateway_url,
        log_level="WARNING",
    )
    bench = Bench(fake, rabbitmq_url)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(os.environ.get("BENCH_BOT_LOG", Path(tmp) / "bot.log"))
        print(f"bot log: {log}", flush=True)
        env["LOG_LEVEL"] = "INFO"
        process = scheduler_process("bot", log, ready="ready as", env=env, timeout=60)
        bot = await asyncio.to_thread(process.__enter__)
        try:
            announced = seeded[: args.games]
            # Post every announcement first, so the measured round is edits only.
            posted_before = len(fake.state.channel_messages(CHANNEL_ID))
            await bench.publisher.publish_many([updated(g) for g in announced])
            await bench.until(
                lambda: (
                    len(fake.state.channel_messages(CHANNEL_ID)) - posted_before >= len(announced)
                ),
                600,
            )
            await asyncio.sleep(2)
            cpu = cpu_seconds(bot.pid)
            dm_rate = await bench.dm_throughput(pairs[: args.dms])
            dm_cpu_ms = (cpu_seconds(bot.pid) - cpu) / args.dms * 1000
            cpu = cpu_seconds(bot.pid)
            edit_rate = await bench.announcement_throughput(announced)
            edit_cpu_ms = (cpu_seconds(bot.pid) - cpu) / len(announced) * 1000
            dm_ms, edit_ms = await bench.paced(
                pairs[args.dms : args.dms + args.paced], announced, args.rate
            )
        finally:
            await asyncio.to_thread(process.__exit__, None, None, None)
            await bench.publisher.close()
            await fake.stop()
    both = dm_ms + edit_ms
    print(
        f"paced at {args.rate:g} events/s: DM p50 {statistics.median(dm_ms):.1f} ms, "
        f"p99 {percentile(dm_ms, 99):.1f} ms; edit p50 {statistics.median(edit_ms):.1f} ms, "
        f"p99 {percentile(edit_ms, 99):.1f} ms"
    )
    print(
        f"bot CPU per event: DM {dm_cpu_ms:.1f} ms, announcement {edit_cpu_ms:.1f} ms "
        f"(one core's ceiling: {1000 / dm_cpu_ms:.0f} DM events/s); load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"bot DM events/s: {dm_rate:.0f}")
    print(f"bot announcement events/s: {edit_rate:.0f}")
    print(f"bot handling p50: {statistics.median(both):.0f} ms")
    print(f"bot handling p99: {percentile(both, 99):.0f} ms")
    with database.get_sync_db_session() as session:  # leave nothing behind for a rerun
        session.execute(update(Game).values(discord_message_id=None))
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dms", type=int, default=2000)
    parser.add_argument("--games", type=int, default=300)
    parser.add_argument("--paced", type=int, default=300)
    parser.add_argument("--rate", type=float, default=50.0)
    args = parser.parse_args()
    admin = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    root = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
    with own_database(admin) as db_url, own_vhost(root) as rabbitmq_url:
        try:
            asyncio.run(run(args, db_url, rabbitmq_url))
        finally:
            database.dispose_sync_engine()


if __name__ == "__main__":
    main()

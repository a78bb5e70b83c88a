"""PostgreSQL unreachable while the real bot consumes: every event waits it out, none is lost."""

import asyncio
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from game_scheduler import database
from game_scheduler.bot.runtime import DiscordBot
from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.messaging import topology
from game_scheduler.messaging.relay import relay_outbox
from game_scheduler.messaging.sync_publisher import PublishError, SyncPublisher
from game_scheduler.models import Game, ProcessedEvent, utcnow
from game_scheduler.scheduler.services.notification_service import NotificationService
from game_scheduler.services import signups
from tests.integration.bot.support import field
from tests.support.amqp import tap
from tests.support.factories import create_game, member, player_id, seed_channel
from tests.support.seeding import seed_games
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

OUTAGE_SECONDS = 60
DM_GAMES = 20  # 4 players and a host each: 100 reminder DMs
ANNOUNCED_GAMES = 10  # posted, then 4 joins each: 50 announcement updates
JOINS_PER_GAME = 4


class LeaveToRelay:
    """A publisher that is never there, so staged events wait in the outbox for the test."""

    def publish_many(self, envelopes) -> None:
        raise PublishError("the test publishes these itself")


def stage_reminder_dms():
    """100 reminder DMs, made by the scheduler's own service, left in the outbox."""
    start = utcnow() + timedelta(minutes=15, seconds=-1)
    with get_sync_db_session() as session:
        seeded = seed_games(session, [start] * DM_GAMES, players=4, waitlisted=0)
        ids = [g.reminder_ids[15] for g in seeded]
        NotificationService(LeaveToRelay()).send_reminders(session, ids, utcnow())
    return {d for g in seeded for d in g.recipients()}


async def stage_announcements():
    """Games posted and joined through the services; their events left in the outbox."""
    await seed_channel()
    games = [await create_game(max_players=10) for _ in range(ANNOUNCED_GAMES)]
    for game in games:
        for _ in range(JOINS_PER_GAME):
            async with get_db_session() as session:
                await signups.join_game(session, member(player_id()), game.id)
    return [g.id for g in games]


def relay_everything(rabbitmq_url):
    publisher = SyncPublisher(rabbitmq_url)
    try:
        with get_sync_db_session() as session:
            return relay_outbox(session, publisher, min_age_seconds=0)
    finally:
        publisher.close()


async def completed_events() -> int:
    async with get_db_session() as session:
        query = select(func.count()).where(ProcessedEvent.completed_at.is_not(None))
        return (await session.execute(query)).scalar_one()


async def test_postgres_unreachable_for_a_minute_loses_and_doubles_nothing(
    pg_db_url, rabbitmq_url, fake_discord, point_bot_at, configure
):
    with tap(rabbitmq_url):
        pass  # closing a tap empties the bot's queues; none stays open across the outage
    recipients = stage_reminder_dms()
    game_ids = await stage_announcements()
    assert len(recipients) == 100

    url = make_url(pg_db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await database.dispose_engines()
    settings = point_bot_at(
        database_url=url.set(port=proxy.port).render_as_string(hide_password=False),
        rabbitmq_url=rabbitmq_url,
        bot_retry_delays="[0.5, 1, 2]",
    )
    bot = DiscordBot(
        settings.discord_token.get_secret_value(),
        settings=settings,
        guild_ready_timeout=0.1,
        consume=True,
    )
    dm_channels = fake_discord.state.dm_channels
    try:
        # No pika connection is kept open across the outage: its heartbeats would lapse.
        await bot.start()
        await bot.wait_ready(within=10)
        assert await asyncio.to_thread(relay_everything, rabbitmq_url) == 150
        await wait_until(lambda: len(dm_channels) >= 5, within=30)
        proxy.cut()
        cut_at = time.monotonic()
        delivered_at_cut = sum(len(fake_discord.state.dms_to(r)) for r in recipients)
        await asyncio.sleep(OUTAGE_SECONDS)
        proxy.restore()
        outage = time.monotonic() - cut_at
        await wait_until(lambda: all(fake_discord.state.dms_to(r) for r in recipients), within=120)
        completed = 0

        async def all_completed() -> bool:
            nonlocal completed
            completed = await completed_events()
            return completed == 150

        deadline = time.monotonic() + 120
        while not await all_completed():
            assert time.monotonic() < deadline, f"{completed} of 150 events completed"
            await asyncio.sleep(0.2)
        with tap(rabbitmq_url) as t:
            dead = t.channel.queue_declare(topology.DEAD_LETTER_QUEUE, passive=True)
            dead_letters = dead.method.message_count
        async with get_db_session() as session:
            games = await session.scalars(select(Game).where(Game.id.in_(game_ids)))
            message_ids = {g.id: g.discord_message_id for g in games.all()}
    finally:
        await bot.close()
        await database.dispose_engines()
        proxy.close()

    dm_paths = {f"/channels/{c}/messages" for c in dm_channels.values()}
    dm_posts = Counter(
        r.path for r in fake_discord.state.requests if r.method == "POST" and r.path in dm_paths
    )
    merged = sum(n - 1 for n in dm_posts.values() if n > 1)
    print(
        f"outage {outage:.0f} s; DMs delivered before the cut: {delivered_at_cut}/100; "
        f"repeated sends merged by Discord's nonce: {merged}"
    )
    assert 0 < delivered_at_cut < 100  # the outage hit events in flight
    assert {r: len(fake_discord.state.dms_to(r)) for r in recipients} == dict.fromkeys(
        recipients, 1
    )
    for game_id in game_ids:
        message = fake_discord.state.messages[message_ids[game_id]]
        assert field(message, "Players")[0] == f"Players ({JOINS_PER_GAME}/10)"
    assert dead_letters == 0

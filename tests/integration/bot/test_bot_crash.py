"""A ``game-scheduler bot`` process SIGKILLed mid-burst of 200 DMs and restarted: none lost,
none doubled (the fake Discord drops a repeated nonce for a few minutes, as Discord does)."""

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from game_scheduler import database
from game_scheduler.bot import dm_delivery
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import DmKind, EventType, SendDm, make_event
from game_scheduler.messaging.publisher import AsyncPublisher
from game_scheduler.models import DmDelivery, utcnow
from tests.integration.bot.support import deliveries
from tests.support.factories import CHANNEL_ID, GUILD_ID
from tests.support.production_stack import process_env
from tests.support.scheduler_processes import scheduler_process
from tests.support.seeding import seed_games

pytestmark = pytest.mark.slow

DMS = 200


def _bot(log: Path, env: dict[str, str]):
    return scheduler_process("bot", log, ready="ready as", env=env, timeout=60)


async def _age_unfinished_attempts(by: timedelta) -> None:
    """As if the bot stayed down ``by`` longer: its attempts are that much older."""
    async with get_db_session() as session:
        await session.execute(
            update(DmDelivery)
            .where(DmDelivery.route == "sending")
            .values(attempted_at=utcnow() - by)
        )
        await session.commit()


@pytest.mark.parametrize("down", ["briefly", "past the nonce window"])
async def test_a_bot_killed_mid_burst_loses_and_doubles_no_dm(
    pg_db_url, rabbitmq_url, fake_discord, empty_queues, tmp_path, down
):
    with database.get_sync_db_session() as session:
        seeded = seed_games(
            session, [utcnow() + timedelta(days=1)] * (DMS // 10), players=10, waitlisted=0
        )
    events = [
        make_event(
            EventType.SEND_DM,
            SendDm(
                recipient_discord_id=str(u),
                kind=DmKind.REMINDER,
                game_id=g.game_id,
                title=f"Game {n}",
                starts_at=int(g.scheduled_at.timestamp()),
                guild_discord_id=str(GUILD_ID),
                channel_discord_id=str(CHANNEL_ID),
            ),
        )
        for n, g in enumerate(seeded)
        for u in g.confirmed
    ]
    users = [u for g in seeded for u in g.confirmed]
    env = process_env(
        database_url=pg_db_url,
        rabbitmq_url=rabbitmq_url,
        discord_token=fake_discord.token,
        discord_api_base=fake_discord.api_base,
        discord_gateway_url=fake_discord.gateway_url,
        log_level="INFO",
        claim_lease_seconds="5",
    )
    state = fake_discord.state

    def received() -> int:
        return sum(1 for u in users if state.dms_to(u))

    first = _bot(tmp_path / "bot-1.log", env)
    process = await asyncio.to_thread(first.__enter__)
    try:
        publisher = AsyncPublisher(rabbitmq_url)
        try:
            await publisher.publish_many(events)
        finally:
            await publisher.close()
        await fake_discord.wait_for(lambda: received() >= DMS // 5, within=120)
        process.kill()  # SIGKILL: no clean stop, unacked messages go back to the queue
        await asyncio.to_thread(process.wait, 10)
    finally:
        await asyncio.to_thread(first.__exit__, None, None, None)
    at_kill = received()
    if down == "past the nonce window":
        state.nonce_window = 0.0  # Discord no longer merges a repeated nonce
        await _age_unfinished_attempts(dm_delivery.NONCE_WINDOW + timedelta(seconds=1))

    second = _bot(tmp_path / "bot-2.log", env)
    await asyncio.to_thread(second.__enter__)
    try:
        await fake_discord.wait_for(lambda: received() == DMS, within=180)
        await asyncio.sleep(2)  # a duplicate would arrive now, if one were coming
        for _ in range(100):  # the last outcomes commit just after their sends
            routes = Counter(d.route for d in await deliveries())
            if routes == Counter({"dm": DMS}):
                break
            await asyncio.sleep(0.1)
    finally:
        await asyncio.to_thread(second.__exit__, None, None, None)

    per_user = Counter(len(state.dms_to(u)) for u in users)
    duplicates = sum((n - 1) * count for n, count in per_user.items() if n > 1)
    repeats = len(state.calls("POST", "/channels/*/messages")) - DMS
    print(
        f"SIGKILL after {at_kill} of {DMS} DMs, down {down}: duplicates {duplicates}, "
        f"repeated sends merged by nonce {repeats}"
    )
    assert per_user == Counter({1: DMS})
    assert routes == Counter({"dm": DMS})

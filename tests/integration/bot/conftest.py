"""A fake Discord with one server, and the real bot logged in to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from game_scheduler.bot.main import serve
from game_scheduler.bot.runtime import DiscordBot
from game_scheduler.config import Settings
from game_scheduler.messaging import topology
from tests.fakes.discord import FakeDiscord
from tests.support.amqp import tap
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID
from tests.support.waiting import wait_until

HOST_ROLE_ID = 900_000_000_000_000_201
OTHER_CHANNEL_ID = 900_000_000_000_000_102


@pytest.fixture
def empty_queues(rabbitmq_url: str) -> Iterator[None]:
    """The bot's queue starts and ends empty (the vhost is shared by the session's tests)."""
    with tap(rabbitmq_url) as t:
        t.channel.queue_purge(topology.BOT_QUEUE)
        yield


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A fake Discord with a server holding two text channels, a host role and the host."""
    fake = FakeDiscord()
    guild = fake.state.add_guild(GUILD_ID, "Test Server")
    guild.channels[CHANNEL_ID] = "games"
    guild.channels[OTHER_CHANNEL_ID] = "chat"
    guild.roles[HOST_ROLE_ID] = ("Host", 0)
    fake.state.add_member(GUILD_ID, HOST_ID, roles=[HOST_ROLE_ID])
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def point_bot_at(
    fake_discord: FakeDiscord, configure: Callable[..., Settings]
) -> Callable[..., Settings]:
    """Settings that send the bot to the fake."""

    def apply(**more: str) -> Settings:
        return configure(
            discord_token=fake_discord.token,
            discord_api_base=fake_discord.api_base,
            discord_gateway_url=fake_discord.gateway_url,
            **more,
        )

    return apply


@pytest.fixture
async def bot(db_url: str, point_bot_at: Callable[..., Settings]) -> AsyncIterator[DiscordBot]:
    """The real bot, logged in to the fake, its server metadata recorded."""
    settings = point_bot_at()
    running = DiscordBot(
        settings.discord_token.get_secret_value(), settings=settings, guild_ready_timeout=0.1
    )
    await running.start()
    await running.wait_ready(within=10)
    yield running
    await running.close()


@pytest.fixture
async def bot_process(
    db_url: str, rabbitmq_url: str, point_bot_at: Callable[..., Settings], empty_queues: None
) -> AsyncIterator[DiscordBot]:
    """``serve()`` as ``game-scheduler bot`` runs it, logged in to the fake Discord."""
    settings = point_bot_at(rabbitmq_url=rabbitmq_url)
    runner = DiscordBot(
        settings.discord_token.get_secret_value(),
        settings=settings,
        guild_ready_timeout=0.1,
        consume=True,
    )
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(runner, settings, stop))
    await wait_until(lambda: runner._connection is not None or serving.done(), within=10)
    await runner.wait_ready(within=10)
    yield runner
    stop.set()
    await serving

"""Bursts through the real consumer: a busy game never holds up another server's DMs."""

import logging
import time

import pytest

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.outbox import commit_and_publish
from game_scheduler.messaging.publisher import AsyncPublisher
from game_scheduler.models import Game, GameStatus
from game_scheduler.services import signups
from game_scheduler.services.game_events import stage_game_event
from game_scheduler.services.loading import load_game
from tests.fakes.discord import FakeDiscord
from tests.integration.bot.support import dm_event, embed_of, field, seated_player
from tests.support.factories import (
    CHANNEL_ID,
    HOST_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)

OTHER_GUILD_ID = 900_000_000_000_000_002
OTHER_GUILD_CHANNEL_ID = 900_000_000_000_000_201
DISCORD_EDIT_LIMIT = (5, 5.0)  # what real Discord allows per channel

pytestmark = pytest.mark.slow


async def _game_in_another_server(fake_discord: FakeDiscord) -> Game:
    guild = fake_discord.state.add_guild(OTHER_GUILD_ID, "Other Server")
    guild.channels[OTHER_GUILD_CHANNEL_ID] = "games"
    await seed_channel(guild_id=OTHER_GUILD_ID, channel_id=OTHER_GUILD_CHANNEL_ID)
    return await create_game(
        member(HOST_ID, OTHER_GUILD_ID), channel_discord_id=OTHER_GUILD_CHANNEL_ID
    )


async def _publish(rabbitmq_url: str, *envelopes) -> float:
    publisher = AsyncPublisher(rabbitmq_url)
    try:
        await publisher.publish_many(list(envelopes))
    finally:
        await publisher.close()
    return time.time()


def _dm_arrival(fake_discord: FakeDiscord, user_id: int) -> float | None:
    channel = fake_discord.state.dm_channels.get(user_id)
    sends = fake_discord.state.calls("POST", f"/channels/{channel}/messages") if channel else []
    return sends[0].received_at if sends else None


def _trouble(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Warnings from the consumer (a failed delivery) or anything about the pool."""
    return [
        r.getMessage()
        for r in caplog.records
        if (r.levelno >= logging.WARNING and r.name.startswith("game_scheduler.messaging"))
        or "QueuePool" in r.getMessage()
        or (r.exc_text and "QueuePool" in r.exc_text)
    ]


async def test_join_leave_toggles_under_edit_limits_do_not_delay_another_servers_dm(
    bot_process, fake_discord, rabbitmq_url, caplog
):
    caplog.set_level(logging.INFO)
    fake_discord.state.edit_limit = DISCORD_EDIT_LIMIT
    game = await create_game(max_players=4)
    other = await _game_in_another_server(fake_discord)
    far_player = await seated_player(other)
    await fake_discord.wait_for(lambda: fake_discord.state.channel_messages(CHANNEL_ID), 10)
    # 40 signup changes on one game as fast as the services take them: 13 members join, leave
    # and join again, one more joins (a few changes each, under the per-user signup throttle).
    togglers = [member(player_id()) for _ in range(14)]
    changes = [signups.join_game, signups.leave_game, signups.join_game]
    for change in changes:
        for actor in togglers[:13]:
            async with get_db_session() as session:
                await change(session, actor, game.id)
    async with get_db_session() as session:
        await signups.join_game(session, togglers[13], game.id)
    published_at = await _publish(rabbitmq_url, dm_event(other, far_player))

    arrived = await fake_discord.wait_for(lambda: _dm_arrival(fake_discord, far_player), 30)

    assert arrived - published_at < 5.0, f"the other server's DM took {arrived - published_at} s"

    def final_state_shown() -> bool:
        message = fake_discord.state.channel_messages(CHANNEL_ID)[0]
        names = [f["name"] for f in embed_of(message)["fields"]]
        return "Players (4/4)" in names and "Waitlist (10)" in names

    await fake_discord.wait_for(final_state_shown, within=60)
    assert _trouble(caplog) == []
    edits = len(fake_discord.state.calls("PATCH", f"/channels/{CHANNEL_ID}/messages/*"))
    print(
        f"40 toggles -> {edits - fake_discord.state.rate_limited} edits, "
        f"other server's DM after {arrived - published_at:.3f} s"
    )


async def test_forty_games_starting_together_do_not_hold_up_forty_reminders(
    bot_process, fake_discord, rabbitmq_url, caplog
):
    caplog.set_level(logging.INFO)
    starting = [await create_game(title=f"Starting {n}") for n in range(40)]
    later = [await create_game(title=f"Later {n}") for n in range(40)]
    players = [await seated_player(game) for game in later]
    await fake_discord.wait_for(
        lambda: len(fake_discord.state.channel_messages(CHANNEL_ID)) == 80, within=60
    )
    await fake_discord.wait_for(  # every signup shown, so what follows is only the burst
        lambda: all(
            field(m, "Players")[0].startswith("Players (1/")
            for m in fake_discord.state.channel_messages(CHANNEL_ID)
            if embed_of(m)["title"].startswith("Later")
        ),
        within=60,
    )
    fake_discord.state.edit_limit = DISCORD_EDIT_LIMIT
    for game in starting:
        async with get_db_session() as session:
            loaded = await load_game(session, game.id)
            loaded.status = GameStatus.IN_PROGRESS
            stage_game_event(session, EventType.GAME_STARTED, loaded)
            await commit_and_publish(session)
    published_at = await _publish(
        rabbitmq_url, *(dm_event(g, p) for g, p in zip(later, players, strict=True))
    )

    arrivals = [
        await fake_discord.wait_for(lambda p=p: _dm_arrival(fake_discord, p), within=30)
        for p in players
    ]

    slowest = max(arrivals) - published_at
    assert slowest < 10.0, f"the last reminder arrived {slowest} s after it was published"

    def all_started() -> bool:
        return all(
            embed_of(m)["title"].startswith("[In progress]")
            for m in fake_discord.state.channel_messages(CHANNEL_ID)
            if "Starting" in embed_of(m)["title"]
        )

    await fake_discord.wait_for(all_started, within=120)
    assert _trouble(caplog) == []
    print(f"40 reminders behind 40 starts: the last arrived after {slowest:.3f} s")

"""Discord outages (503, 500, 429) are transient: retried until they pass, nothing lost or doubled.

The issue asks for 503 x 3 min and 500 x 10 min; CI has 15 minutes for everything, so these
outages last seconds. What is checked is that every failure while they last is a TransientError
(which the consumer retries for as long as it takes, never dead-letters) and that the end state is
exact: every DM once, the announcement on the final state.
"""

import asyncio
import os

import aiohttp
import discord
import pytest

from game_scheduler.bot.discord_port import discord_errors
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.handling import TransientError, handle_once
from game_scheduler.messaging.publisher import AsyncPublisher
from game_scheduler.messaging.topology import DEAD_LETTER_QUEUE
from game_scheduler.services import signups
from tests.integration.bot.support import deliveries, dm_event, field, outbox, stored_game
from tests.support.amqp import tap
from tests.support.factories import CHANNEL_ID, create_game, member, player_id
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = float(os.environ.get("GS_TEST_DISCORD_OUTAGE_SECONDS", "6"))


async def _until_handled(envelope: Envelope, handlers, failures: list[BaseException]) -> None:
    """What the consumer does with an event: retry transient failures for as long as they last."""
    while True:
        try:
            await handle_once(envelope, handlers)
            return
        except TransientError as error:
            failures.append(error)
            await asyncio.sleep(0.5)


@pytest.mark.parametrize(("status", "discord_py_retries"), [(503, False), (500, True), (429, True)])
async def test_a_discord_outage_is_transient_and_loses_or_doubles_nothing(
    bot, fake_discord, status, discord_py_retries
):
    game = await create_game(max_players=30)
    players = [player_id() for _ in range(10)]
    await _join(game.id, players)
    events = [*await outbox(), *(dm_event(game, p) for p in players)]
    fake_discord.state.fail_for(OUTAGE_SECONDS, status, retry_after=1.0)
    failures: list[BaseException] = []

    await asyncio.wait_for(
        asyncio.gather(*(_until_handled(e, bot.handlers.mapping(), failures) for e in events)),
        timeout=OUTAGE_SECONDS + 120,
    )
    await asyncio.wait_for(bot.handlers.keeper.wait_idle(), OUTAGE_SECONDS + 120)

    for player in players:
        assert len(fake_discord.state.dms_to(player)) == 1
    assert sorted(d.route for d in await deliveries()) == ["dm"] * len(players)
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert field(message, "Players")[0] == "Players (10/30)"
    stored = await stored_game(game.id)
    assert stored.announcement_shown == stored.announcement_wanted
    refused = fake_discord.state.calls("POST", "/channels/*/messages")
    assert len(refused) > len(players)  # the outage was felt
    if not discord_py_retries:
        assert failures  # and surfaced as transient errors the consumer retries
    print(f"Discord {status} for {OUTAGE_SECONDS} s: {len(failures)} transient failures retried")


async def _join(game_id: int, players: list[int]) -> None:
    for player in players:
        async with get_db_session() as session:
            await signups.join_game(session, member(player), game_id)


def _dead_letters(rabbitmq_url: str) -> int:
    with tap(rabbitmq_url) as t:
        return t.channel.queue_declare(DEAD_LETTER_QUEUE, passive=True).method.message_count


async def test_discord_errors_maps_outages_to_transient_and_refusals_to_permanent():
    class Response:
        def __init__(self, status: int) -> None:
            self.status, self.reason = status, "x"

    for error in (
        discord.DiscordServerError(Response(503), {"message": "down", "code": 0}),
        discord.HTTPException(Response(429), {"message": "slow down", "code": 0}),
        aiohttp.ClientConnectionError("reset"),
        TimeoutError(),
    ):
        with pytest.raises(TransientError):
            async with discord_errors():
                raise error
    with pytest.raises(discord.HTTPException):
        async with discord_errors():
            raise discord.HTTPException(Response(400), {"message": "bad", "code": 50035})


async def test_through_the_consumer_503_then_500_then_429_loses_nothing_and_dead_letters_nothing(
    bot_process, fake_discord, rabbitmq_url
):
    game = await create_game(max_players=30)
    await fake_discord.wait_for(lambda: fake_discord.state.channel_messages(CHANNEL_ID), 10)
    dead_before = _dead_letters(rabbitmq_url)
    players = [player_id() for _ in range(10)]
    # One after the other (the first outage that covers a moment answers): 503, then 500, then 429.
    for n, status in enumerate((503, 500, 429), start=1):
        fake_discord.state.fail_for(n * OUTAGE_SECONDS, status, retry_after=1.0)
    await _join(game.id, players)
    publisher = AsyncPublisher(rabbitmq_url)
    try:
        await publisher.publish_many([dm_event(game, p) for p in players])
    finally:
        await publisher.close()

    await wait_until(
        lambda: all(fake_discord.state.dms_to(p) for p in players), within=3 * OUTAGE_SECONDS + 300
    )
    await wait_until(
        lambda: (
            field(fake_discord.state.channel_messages(CHANNEL_ID)[0], "Players")[0]
            == "Players (10/30)"
        ),
        within=120,
    )
    assert [len(fake_discord.state.dms_to(p)) for p in players] == [1] * 10
    assert _dead_letters(rabbitmq_url) == dead_before

"""The whole bot process: discord.py against the fake, events through the real RabbitMQ."""

import asyncio
import logging

from game_scheduler.bot.main import build_runner, serve
from game_scheduler.bot.runtime import ConsoleBot
from game_scheduler.database import get_db_session
from game_scheduler.messaging.publisher import AsyncPublisher
from game_scheduler.services import signups
from tests.integration.bot.support import (
    buttons,
    deliveries,
    dm_event,
    embed_of,
    field,
    seated_player,
)
from tests.support.factories import CHANNEL_ID, create_game, member, player_id, seed_channel
from tests.support.waiting import wait_until


async def test_game_created_on_rabbitmq_is_announced_and_a_click_updates_it(
    bot_process, fake_discord
):
    game = await create_game(max_players=4, title="Catan night")

    await fake_discord.wait_for(lambda: fake_discord.state.channel_messages(CHANNEL_ID))
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert embed_of(message)["title"] == "Catan night"
    assert [b["custom_id"] for b in buttons(message)] == [
        f"gs:join:{game.id}",
        f"gs:maybe:{game.id}",
        f"gs:cant:{game.id}",
        f"gs:leave:{game.id}",
    ]

    player = player_id()
    click = await fake_discord.click(player, int(message["id"]), f"gs:join:{game.id}")
    assert click.ephemeral
    assert click.text.startswith("You're in!")
    # The click's game.player_joined goes out through RabbitMQ and comes back as an edit.
    await fake_discord.wait_for(lambda: field(message, "Players")[0] == "Players (1/4)")
    assert field(message, "Players")[1] == f"<@{player}>"


async def test_the_same_event_on_rabbitmq_twice_sends_one_dm(
    bot_process, fake_discord, rabbitmq_url, caplog
):
    caplog.set_level(logging.INFO, logger="game_scheduler.messaging.handling")
    game = await create_game()
    recipient = await seated_player(game)
    event = dm_event(game, recipient)
    publisher = AsyncPublisher(rabbitmq_url)
    try:
        await publisher.publish_many([event, event])
    finally:
        await publisher.close()

    def second_delivery_dropped() -> bool:
        return any(
            str(event.event_id) in r.getMessage()
            and ("already handled" in r.getMessage() or "handled concurrently" in r.getMessage())
            for r in caplog.records
        )

    await wait_until(second_delivery_dropped, within=10)
    await fake_discord.wait_for(lambda: fake_discord.state.dms_to(recipient), within=10)
    assert len(fake_discord.state.dms_to(recipient)) == 1


async def test_console_mode_logs_and_keeps_every_message(
    db_url, rabbitmq_url, configure, empty_queues
):
    settings = configure(rabbitmq_url=rabbitmq_url)
    runner = build_runner(settings)
    assert isinstance(runner, ConsoleBot)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(runner, settings, stop))
    try:
        await seed_channel()
        await wait_until(lambda: runner.consumer._queue is not None, within=10)
        game = await create_game(max_players=2, title="Console night")
        await wait_until(lambda: [m for m in runner.port.messages if m.action == "post"])
        async with get_db_session() as session:
            await signups.join_game(session, member(player_id()), game.id)
        await wait_until(lambda: [m for m in runner.port.messages if m.action == "edit"])
    finally:
        stop.set()
        await serving

    post, edit = runner.port.messages
    assert post.target == f"channel {CHANNEL_ID}"
    assert post.text.startswith("## Console night")
    assert "Players (0/2): Nobody yet" in post.text
    assert "\n[Join] [Maybe] [Can't] [Leave]\n" in post.text
    page_link, calendar_link = post.text.splitlines()[-2:]
    assert page_link.startswith("Game page: http")
    assert calendar_link.startswith("Add to calendar (.ics): http")
    assert calendar_link.endswith(".ics")
    assert "Players (1/2)" in edit.text
    assert edit.message_id == post.message_id


async def test_a_failed_dm_is_retried_by_the_consumer_and_sent_once(
    bot_process, fake_discord, rabbitmq_url
):
    game = await create_game()
    recipient = await seated_player(game)
    event = dm_event(game, recipient)
    dm_channel = int(fake_discord.state.dm_channel_payload(recipient)["id"])
    fake_discord.state.fail_next(
        "POST", f"/channels/{dm_channel}/messages", 400, 50035, "Invalid Form Body"
    )
    publisher = AsyncPublisher(rabbitmq_url)
    try:
        await publisher.publish(event)
    finally:
        await publisher.close()

    await fake_discord.wait_for(lambda: fake_discord.state.dms_to(recipient), within=15)
    sends = fake_discord.state.calls("POST", f"/channels/{dm_channel}/messages")
    assert len(sends) == 2  # the first was refused, the redelivery went through
    assert len(fake_discord.state.dms_to(recipient)) == 1
    for _ in range(200):  # the DM is out; its record commits just after
        recorded = await deliveries()
        if recorded and recorded[0].route != "sending":
            break
        await asyncio.sleep(0.05)
    assert [(d.event_id, d.route) for d in recorded] == [(str(event.event_id), "dm")]

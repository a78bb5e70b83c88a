"""Direct messages: sent with a stable nonce, a channel mention when DMs are closed, never twice."""

from sqlalchemy import delete

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import DmKind, EventType, SendDm, make_event
from game_scheduler.messaging.handling import handle_once
from game_scheduler.models import DmDelivery
from tests.integration.bot.support import deliveries
from tests.support.factories import CHANNEL_ID, GUILD_ID, create_game, player_id


def _reminder(game, recipient: int):
    return make_event(
        EventType.SEND_DM,
        SendDm(
            recipient_discord_id=str(recipient),
            kind=DmKind.REMINDER,
            game_id=game.id,
            title=game.title,
            starts_at=int(game.scheduled_at.timestamp()),
            offset_minutes=60,
            guild_discord_id=str(GUILD_ID),
            channel_discord_id=str(CHANNEL_ID),
        ),
    )


async def test_send_dm_event_sends_the_dm_and_records_it(bot, fake_discord):
    game = await create_game(title="Catan night")
    recipient = player_id()
    event = _reminder(game, recipient)

    assert await handle_once(event, bot.handlers.mapping())

    [dm] = fake_discord.state.dms_to(recipient)
    start = int(game.scheduled_at.timestamp())
    assert dm["content"].startswith(f"Reminder: **Catan night** starts <t:{start}:R>")
    [send] = fake_discord.state.calls("POST", f"/channels/{dm['channel_id']}/messages")
    assert send.body["nonce"] == event.event_id.hex[:25]
    assert send.body["enforce_nonce"] is True
    [delivery] = await deliveries()
    assert (delivery.recipient_discord_id, delivery.route, delivery.kind) == (
        recipient,
        "dm",
        "reminder",
    )
    assert delivery.game_id == game.id


async def test_closed_dms_fall_back_to_a_mention_in_the_channel(bot, fake_discord):
    game = await create_game()
    recipient = player_id()
    fake_discord.state.closed_dms.add(recipient)

    await handle_once(_reminder(game, recipient), bot.handlers.mapping())

    assert fake_discord.state.dms_to(recipient) == []
    [post] = fake_discord.state.calls("POST", f"/channels/{CHANNEL_ID}/messages")
    assert post.body["content"].startswith(f"<@{recipient}> (I couldn't DM you) Reminder:")
    assert post.body["allowed_mentions"]["parse"] == []  # no @everyone, no roles
    assert post.body["allowed_mentions"]["users"] == [recipient]
    [delivery] = await deliveries()
    assert delivery.route == "channel_fallback"


async def test_the_same_event_delivered_twice_sends_one_dm(bot, fake_discord):
    game = await create_game()
    recipient = player_id()
    event = _reminder(game, recipient)
    handlers = bot.handlers.mapping()

    assert await handle_once(event, handlers) is True
    assert await handle_once(event, handlers) is False

    assert len(fake_discord.state.dms_to(recipient)) == 1
    assert len(await deliveries()) == 1


async def test_a_send_repeated_before_its_record_committed_is_dropped_by_the_nonce(
    bot, fake_discord
):
    game = await create_game()
    recipient = player_id()
    event = _reminder(game, recipient)

    for _ in range(2):  # the process died after sending, before recording: the handler runs again
        await bot.handlers.send_dm(event)
        async with get_db_session() as session:
            await session.execute(delete(DmDelivery))
            await session.commit()

    sends = [r for r in fake_discord.state.requests if r.path.endswith("/messages")]
    assert len(sends) == 2
    assert len(fake_discord.state.dms_to(recipient)) == 1

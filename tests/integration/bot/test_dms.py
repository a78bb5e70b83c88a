"""Direct messages: decided when sent, sent with a stable nonce, a channel mention when DMs are
closed, never twice, and at most a few per hour about one game to one user."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from game_scheduler.bot import dm_delivery
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import DmKind, EventType
from game_scheduler.messaging.handling import handle_once
from game_scheduler.models import DmDelivery, Game, GameStatus, utcnow
from game_scheduler.services import games, signups
from tests.integration.bot.support import deliveries, dm_event, move_game, seated_player
from tests.support.factories import create_game, member


async def test_send_dm_event_sends_the_dm_and_records_it(bot, fake_discord):
    game = await create_game(title="Catan night")
    recipient = await seated_player(game)
    event = dm_event(game, recipient)

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
    assert delivery.attempted_at is not None  # the attempt was recorded before the send


async def test_closed_dms_fall_back_to_a_mention_in_the_channel(bot, fake_discord):
    game = await create_game()
    recipient = await seated_player(game)
    fake_discord.state.closed_dms.add(recipient)

    await handle_once(dm_event(game, recipient), bot.handlers.mapping())

    assert fake_discord.state.dms_to(recipient) == []
    [post] = fake_discord.state.calls("POST", f"/channels/{game.channel.discord_id}/messages")
    assert post.body["content"].startswith(f"<@{recipient}> (I couldn't DM you) Reminder:")
    assert post.body["allowed_mentions"]["parse"] == []  # no @everyone, no roles
    assert post.body["allowed_mentions"]["users"] == [recipient]
    [delivery] = await deliveries()
    assert delivery.route == "channel_fallback"


async def test_the_same_event_delivered_twice_sends_one_dm(bot, fake_discord):
    game = await create_game()
    recipient = await seated_player(game)
    event = dm_event(game, recipient)
    handlers = bot.handlers.mapping()

    assert await handle_once(event, handlers) is True
    assert await handle_once(event, handlers) is False

    assert len(fake_discord.state.dms_to(recipient)) == 1
    assert len(await deliveries()) == 1


async def test_a_send_repeated_before_its_record_committed_is_dropped_by_the_nonce(
    bot, fake_discord
):
    game = await create_game()
    recipient = await seated_player(game)
    event = dm_event(game, recipient)

    for _ in range(2):  # the process died after sending, before recording: the handler runs again
        await bot.handlers.send_dm(event)
        async with get_db_session() as session:
            await session.execute(delete(DmDelivery))
            await session.commit()

    sends = [r for r in fake_discord.state.requests if r.path.endswith("/messages")]
    assert len(sends) == 2
    assert len(fake_discord.state.dms_to(recipient)) == 1


async def _mark_attempt_unfinished(event_id: str, age: timedelta) -> None:
    """As if the bot died after recording the attempt ``age`` ago and never recorded its end."""
    async with get_db_session() as session:
        await session.execute(
            update(DmDelivery)
            .where(DmDelivery.event_id == event_id)
            .values(route="sending", attempted_at=utcnow() - age)
        )
        await session.commit()


async def test_an_attempt_younger_than_the_nonce_window_is_resent_with_the_same_nonce(
    bot, fake_discord
):
    game = await create_game()
    recipient = await seated_player(game)
    event = dm_event(game, recipient)
    await bot.handlers.send_dm(event)
    await _mark_attempt_unfinished(str(event.event_id), timedelta(seconds=10))

    await bot.handlers.send_dm(event)

    sends = fake_discord.state.calls("POST", "/channels/*/messages")
    assert [s.body["nonce"] for s in sends] == [event.event_id.hex[:25]] * 2
    assert len(fake_discord.state.dms_to(recipient)) == 1  # Discord merged the repeat
    [delivery] = await deliveries()
    assert delivery.route == "dm"


async def test_an_attempt_older_than_the_nonce_window_is_checked_in_the_dm_channel(
    bot, fake_discord
):
    game = await create_game()
    landed, lost = await seated_player(game), await seated_player(game)
    landed_event, lost_event = dm_event(game, landed), dm_event(game, lost)
    await bot.handlers.send_dm(landed_event)
    fake_discord.state.nonce_window = 0.0  # Discord forgot the nonces by now
    old = dm_delivery.NONCE_WINDOW + timedelta(seconds=5)
    await _mark_attempt_unfinished(str(landed_event.event_id), old)
    async with get_db_session() as session:  # the other attempt never reached Discord
        session.add(
            DmDelivery(
                event_id=str(lost_event.event_id),
                recipient_discord_id=lost,
                game_id=game.id,
                kind="reminder",
                route="sending",
                attempted_at=utcnow() - old,
            )
        )
        await session.commit()

    await bot.handlers.send_dm(landed_event)
    await bot.handlers.send_dm(lost_event)

    assert len(fake_discord.state.dms_to(landed)) == 1  # found in the channel, not sent again
    assert len(fake_discord.state.dms_to(lost)) == 1
    routes = {d.recipient_discord_id: (d.route, d.detail) for d in await deliveries()}
    assert routes[landed] == ("dm", "found in the DM channel after a restart")
    assert routes[lost] == ("dm", "")


async def _cancel(game: Game) -> None:
    async with get_db_session() as session:
        await games.cancel_game(session, member(game.host.discord_id), game.id)


async def _start(game: Game) -> None:
    await move_game(game.id, GameStatus.IN_PROGRESS, EventType.GAME_STARTED)


async def _reschedule(game: Game) -> None:
    async with get_db_session() as session:
        changes = games.GameChanges(scheduled_at=game.scheduled_at + timedelta(hours=1))
        await games.update_game(session, member(game.host.discord_id), game.id, changes)


async def _leave(game: Game, player: int) -> None:
    async with get_db_session() as session:
        await signups.leave_game(session, member(player), game.id)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_cancel, "the game is cancelled"),
        (_start, "the game is in progress"),
        (_reschedule, "the game was rescheduled since"),
    ],
)
async def test_a_reminder_that_no_longer_holds_is_expired_not_sent(
    bot, fake_discord, change, reason
):
    game = await create_game()
    recipient = await seated_player(game)
    event = dm_event(game, recipient)
    await change(game)

    assert await handle_once(event, bot.handlers.mapping())

    assert fake_discord.state.dms_to(recipient) == []
    [delivery] = await deliveries()
    assert (delivery.route, delivery.detail) == ("expired", reason)


async def test_a_reminder_for_a_player_who_left_is_expired(bot, fake_discord):
    game = await create_game()
    recipient = await seated_player(game)
    event = dm_event(game, recipient)
    await _leave(game, recipient)

    await handle_once(event, bot.handlers.mapping())

    assert fake_discord.state.dms_to(recipient) == []
    [delivery] = await deliveries()
    assert (delivery.route, delivery.detail) == (
        "expired",
        "the recipient is no longer a confirmed player",
    )


async def test_only_the_latest_of_queued_reschedule_dms_is_sent(bot, fake_discord):
    game = await create_game()
    recipient = await seated_player(game)
    first = dm_event(game, recipient, DmKind.RESCHEDULED)
    await _reschedule(game)
    moved = await games_now(game.id)
    second = dm_event(moved, recipient, DmKind.RESCHEDULED)

    for event in (first, second):
        await handle_once(event, bot.handlers.mapping())

    [dm] = fake_discord.state.dms_to(recipient)
    assert f"<t:{int(moved.scheduled_at.timestamp())}:F>" in dm["content"]
    assert [(d.route, d.detail) for d in await deliveries()] == [
        ("expired", "the game was rescheduled again since"),
        ("dm", ""),
    ]


async def games_now(game_id: int) -> Game:
    async with get_db_session() as session:
        game = await session.get(Game, game_id)
        assert game is not None
        return game


async def test_a_removal_dm_for_a_player_who_rejoined_is_expired(bot, fake_discord):
    game = await create_game()
    recipient = await seated_player(game)
    event = dm_event(game, recipient, DmKind.REMOVED)  # removed, then joined again

    await handle_once(event, bot.handlers.mapping())

    assert fake_discord.state.dms_to(recipient) == []
    [delivery] = await deliveries()
    assert (delivery.route, delivery.detail) == (
        "expired",
        "the recipient re-joined the game since",
    )


async def test_dms_about_one_game_to_one_user_are_limited_but_reminders_are_not(bot, fake_discord):
    game = await create_game()
    recipient = await seated_player(game)
    handlers = bot.handlers.mapping()

    for _ in range(5):
        await handle_once(dm_event(game, recipient, DmKind.WAITLIST_PROMOTION), handlers)
    for _ in range(4):
        await handle_once(dm_event(game, recipient, DmKind.REMINDER), handlers)

    sent = [m["content"] for m in fake_discord.state.dms_to(recipient)]
    assert sum("you're now confirmed" in text for text in sent) == 3
    assert sum(text.startswith("Reminder:") for text in sent) == 4
    assert [d.route for d in await deliveries()].count("rate_limited") == 2

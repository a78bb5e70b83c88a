"""Announcements: posted on game.created, edited on changes, re-posted when deleted."""

import asyncio

import pytest

from game_scheduler.bot import interactions
from game_scheduler.bot.runtime import DiscordBot
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.handling import handle_once
from game_scheduler.models import GameStatus
from game_scheduler.services import games, signups
from tests.integration.bot.support import (
    buttons,
    deliver_all,
    dm_event,
    embed_of,
    field,
    move_game,
    outbox,
    seated_player,
    stored_game,
)
from tests.support.factories import CHANNEL_ID, create_game, member, player_id, seed_channel

GONE_CHANNEL_ID = 900_000_000_000_000_999


async def test_game_created_posts_embed_with_answer_buttons(bot, fake_discord):
    game = await create_game(
        max_players=4, description="Bring snacks", location="Table 3", title="Catan night"
    )
    await deliver_all(bot)

    [post] = fake_discord.state.calls("POST", f"/channels/{CHANNEL_ID}/messages")
    message = fake_discord.state.channel_messages(CHANNEL_ID)[0]
    embed = embed_of(message)
    start = int(game.scheduled_at.timestamp())
    assert embed["title"] == "Catan night"
    assert embed["description"] == "Bring snacks"
    assert field(message, "When")[1] == f"<t:{start}:F> (<t:{start}:R>)"
    assert field(message, "Players") == ("Players (0/4)", "Nobody yet")
    assert field(message, "Where")[1] == "Table 3"
    assert [(b["label"], b["custom_id"], b.get("disabled", False)) for b in buttons(message)] == [
        ("Join", f"gs:join:{game.id}", False),
        ("Maybe", f"gs:maybe:{game.id}", False),
        ("Can't", f"gs:cant:{game.id}", False),
        ("Leave", f"gs:leave:{game.id}", False),
    ]
    assert post.body["nonce"] == f"g{game.id}"
    stored = await stored_game(game.id)
    assert stored.discord_message_id == int(message["id"])
    assert stored.version == game.version  # bookkeeping does not make API clients' copies stale


async def test_updates_edit_the_same_message(bot, fake_discord):
    game = await create_game(max_players=4)
    await deliver_all(bot)
    async with get_db_session() as session:
        await games.update_game(
            session, member(game.host.discord_id), game.id, games.GameChanges(title="Gloomhaven")
        )
    await deliver_all(bot)

    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert embed_of(message)["title"] == "Gloomhaven"
    assert len(fake_discord.state.calls("PATCH", f"/channels/{CHANNEL_ID}/messages/*")) == 1


async def test_join_click_adds_player_replies_privately_and_updates_count(bot, fake_discord):
    game = await create_game(max_players=4)
    await deliver_all(bot)
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    player = player_id()

    click = await fake_discord.click(player, int(message["id"]), f"gs:join:{game.id}")
    await deliver_all(bot)

    assert click.ephemeral
    assert click.text == f"You're in! You hold a seat in **{game.title}**."
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert field(message, "Players") == ("Players (1/4)", f"<@{player}>")


async def test_join_on_full_game_waitlists(bot, fake_discord):
    game = await create_game(max_players=1)
    await deliver_all(bot)
    message_id = int(fake_discord.state.channel_messages(CHANNEL_ID)[0]["id"])
    first, second = player_id(), player_id()

    await fake_discord.click(first, message_id, f"gs:join:{game.id}")
    click = await fake_discord.click(second, message_id, f"gs:join:{game.id}")
    again = await fake_discord.click(second, message_id, f"gs:join:{game.id}")
    await deliver_all(bot)

    assert "on the waitlist at position 1" in click.text
    assert again.text == "You're already signed up for this game."
    message = fake_discord.state.messages[message_id]
    assert field(message, "Waitlist") == ("Waitlist (1)", f"<@{second}>")


async def test_confirmed_player_leaving_promotes_and_dms_the_next(bot, fake_discord):
    game = await create_game(max_players=1)
    await deliver_all(bot)
    message_id = int(fake_discord.state.channel_messages(CHANNEL_ID)[0]["id"])
    seated, waiting = player_id(), player_id()
    await fake_discord.click(seated, message_id, f"gs:join:{game.id}")
    await fake_discord.click(waiting, message_id, f"gs:join:{game.id}")

    left = await fake_discord.click(seated, message_id, f"gs:leave:{game.id}")
    await deliver_all(bot)

    assert left.text == f"You left **{game.title}**."
    [dm] = fake_discord.state.dms_to(waiting)
    assert "you're now confirmed" in dm["content"]
    assert fake_discord.state.dms_to(seated) == []
    assert field(fake_discord.state.messages[message_id], "Players")[1] == f"<@{waiting}>"


async def test_a_burst_of_joins_ends_on_the_final_state_in_no_more_edits_than_events(
    bot, fake_discord
):
    game = await create_game(max_players=10)
    await deliver_all(bot)
    for player in [member(player_id()) for _ in range(10)]:
        async with get_db_session() as session:
            await signups.join_game(session, player, game.id)

    await deliver_all(bot, together=True)

    edits = fake_discord.state.calls("PATCH", f"/channels/{CHANNEL_ID}/messages/*")
    assert 1 <= len(edits) <= 10
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert field(message, "Players")[0] == "Players (10/10)"
    stored = await stored_game(game.id)
    assert stored.announcement_shown == stored.announcement_wanted == 11


@pytest.mark.slow
async def test_under_discord_rate_limit_edits_coalesce_and_dms_do_not_wait(bot, fake_discord):
    fake_discord.state.edit_limit = (1, 5.0)  # one edit per 5 s in a channel
    game = await create_game(max_players=30)
    await deliver_all(bot)
    handlers = bot.handlers.mapping()
    joins = 20
    for player in [member(player_id()) for _ in range(joins)]:
        async with get_db_session() as session:
            await signups.join_game(session, player, game.id)
    for envelope in await outbox(EventType.PLAYER_JOINED):
        assert await handle_once(envelope, handlers)  # returns without waiting for Discord
    other = await create_game(title="Other night")
    player = await seated_player(other)
    assert await handle_once(dm_event(other, player), handlers)
    dm_channel = fake_discord.state.dm_channels[player]
    [dm_request] = fake_discord.state.calls("POST", f"/channels/{dm_channel}/messages")

    await asyncio.wait_for(bot.handlers.keeper.wait_idle(), 60)

    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert field(message, "Players")[0] == f"Players ({joins}/30)"
    patches = fake_discord.state.calls("PATCH", f"/channels/{CHANNEL_ID}/messages/*")
    shown = len(patches) - fake_discord.state.rate_limited
    assert 1 <= shown <= joins
    assert len(fake_discord.state.dms_to(player)) == 1
    assert dm_request.received_at < patches[-1].received_at  # the DM did not queue behind edits
    print(f"{joins} join events -> {shown} edits ({fake_discord.state.rate_limited} answered 429)")


async def test_deleted_announcement_is_posted_again_once(bot, fake_discord):
    game = await create_game(max_players=4)
    await deliver_all(bot)
    [old] = fake_discord.state.channel_messages(CHANNEL_ID)
    fake_discord.state.delete_message(int(old["id"]))
    async with get_db_session() as session:
        await signups.join_game(session, member(player_id()), game.id)

    await deliver_all(bot)

    [new] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert new["id"] != old["id"]
    assert field(new, "Players")[0] == "Players (1/4)"
    assert (await stored_game(game.id)).discord_message_id == int(new["id"])
    posts = fake_discord.state.calls("POST", f"/channels/{CHANNEL_ID}/messages")
    assert [p.body["nonce"] for p in posts] == [f"g{game.id}", f"r{old['id']}"]
    assert len(fake_discord.state.calls("PATCH", f"/channels/{CHANNEL_ID}/messages/*")) == 1


async def test_started_then_completed_game_closes_signups(bot, fake_discord):
    game = await create_game(max_players=4)
    await deliver_all(bot)
    await move_game(game.id, GameStatus.IN_PROGRESS, EventType.GAME_STARTED)
    await deliver_all(bot)
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert embed_of(message)["title"] == f"[In progress] {game.title}"
    assert all(b["disabled"] for b in buttons(message))

    click = await fake_discord.click(player_id(), int(message["id"]), f"gs:join:{game.id}")
    assert click.text == "This game has already started."
    assert click.ephemeral

    await move_game(game.id, GameStatus.COMPLETED, EventType.GAME_COMPLETED)
    await deliver_all(bot)
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert embed_of(message)["title"] == f"[Completed] {game.title}"
    assert field(message, "Status")[1] == "Completed"


async def test_cancelled_game_is_marked_and_players_are_told(bot, fake_discord):
    game = await create_game(max_players=4)
    player = player_id()
    async with get_db_session() as session:
        await signups.join_game(session, member(player), game.id)
    async with get_db_session() as session:
        await games.cancel_game(session, member(game.host.discord_id), game.id)

    await deliver_all(bot)

    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert embed_of(message)["title"] == f"[Cancelled] {game.title}"
    assert all(b["disabled"] for b in buttons(message))
    [dm] = fake_discord.state.dms_to(player)
    assert "was cancelled by the host" in dm["content"]


async def test_announcement_in_a_channel_discord_no_longer_has_is_given_up(bot, fake_discord):
    await seed_channel(channel_id=GONE_CHANNEL_ID)
    game = await create_game(channel_discord_id=GONE_CHANNEL_ID)

    await deliver_all(bot)

    assert fake_discord.state.calls("POST", f"/channels/{GONE_CHANNEL_ID}/messages")
    [created] = await outbox(EventType.GAME_CREATED)
    assert await handle_once(created, bot.handlers.mapping()) is False  # recorded as handled
    assert "Unknown Channel" in ((await stored_game(game.id)).announcement_error or "")


async def test_buttons_of_an_old_announcement_work_after_a_restart(bot, fake_discord, point_bot_at):
    game = await create_game(max_players=4)
    await deliver_all(bot)
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    await bot.close()

    settings = point_bot_at()
    restarted = DiscordBot(fake_discord.token, settings=settings, guild_ready_timeout=0.1)
    await restarted.start()
    try:
        await restarted.wait_ready(within=10)
        player = player_id()
        click = await fake_discord.click(player, int(message["id"]), f"gs:join:{game.id}")
        await deliver_all(restarted)
    finally:
        await restarted.close()

    assert click.text.startswith("You're in!")
    assert len(fake_discord.identifies) == 2
    assert field(fake_discord.state.messages[int(message["id"])], "Players")[1] == f"<@{player}>"


async def test_a_slow_answer_is_deferred_then_sent_as_a_followup(bot, fake_discord, monkeypatch):
    monkeypatch.setattr(interactions, "REPLY_BUDGET_SECONDS", 0.0)
    game = await create_game(max_players=4)
    await deliver_all(bot)
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)

    click = await fake_discord.click(player_id(), int(message["id"]), f"gs:join:{game.id}")

    assert [c["type"] for c in click.callbacks] == [5]  # deferred, "thinking"
    assert click.ephemeral
    assert click.text.startswith("You're in!")

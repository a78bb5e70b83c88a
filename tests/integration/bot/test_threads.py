"""Role pings and a thread per game, through the real bot on the fake Discord."""

from sqlalchemy import update

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import DmKind
from game_scheduler.messaging.handling import handle_once
from game_scheduler.models import Channel
from game_scheduler.services import games, signups
from tests.integration.bot.support import deliver_all, dm_event, field, stored_game
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)

PING_ROLE = 900_000_000_000_000_301


async def _players(fake_discord, game, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        discord_id = player_id()
        fake_discord.state.add_member(GUILD_ID, discord_id)
        async with get_db_session() as session:
            await signups.join_game(session, member(discord_id), game.id)
        ids.append(discord_id)
    return ids


async def test_posting_pings_exactly_the_role_and_edits_do_not(bot, fake_discord):
    await seed_channel(ping_role_id=PING_ROLE)
    game = await create_game(max_players=3)
    await deliver_all(bot)
    [post] = fake_discord.state.calls("POST", f"/channels/{CHANNEL_ID}/messages")
    assert post.body["content"] == f"<@&{PING_ROLE}>"
    mentions = post.body["allowed_mentions"]
    assert sorted(mentions) == ["parse", "roles"]
    assert mentions["parse"] == []
    assert [str(role) for role in mentions["roles"]] == [str(PING_ROLE)]

    await _players(fake_discord, game, 1)
    await deliver_all(bot)
    [edit] = fake_discord.state.calls("PATCH", f"/channels/{CHANNEL_ID}/messages/*")
    assert "content" not in edit.body  # the mention stays as posted; an edit pings nobody


async def test_a_channel_can_turn_the_servers_ping_off(bot, fake_discord):
    await seed_channel(ping_role_id=PING_ROLE)
    async with get_db_session() as session:
        await session.execute(update(Channel).values(ping_role_id=0))
        await session.commit()
    await create_game()
    await deliver_all(bot)
    [post] = fake_discord.state.calls("POST", f"/channels/{CHANNEL_ID}/messages")
    assert not post.body.get("content")
    assert "allowed_mentions" not in post.body


async def test_thread_is_opened_and_confirmed_players_added_as_they_get_seats(bot, fake_discord):
    await seed_channel(game_threads=True)
    game = await create_game(max_players=2, title="Gloomhaven")
    first, second, waiting = await _players(fake_discord, game, 3)
    await deliver_all(bot)

    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    message_id = int(message["id"])
    [opened] = fake_discord.state.calls("POST", f"/channels/{CHANNEL_ID}/messages/*/threads")
    assert opened.path == f"/channels/{CHANNEL_ID}/messages/{message_id}/threads"
    assert opened.body["name"] == "Gloomhaven"
    thread = fake_discord.state.threads[message_id]
    assert thread.member_ids == [first, second]
    stored = await stored_game(game.id)
    assert stored.thread_discord_id == message_id
    assert stored.thread_member_ids == [first, second]

    async with get_db_session() as session:
        await signups.leave_game(session, member(first), game.id)
    await deliver_all(bot)
    assert thread.member_ids == [first, second, waiting]  # promoted: added; leavers stay
    puts = fake_discord.state.calls("PUT", f"/channels/{message_id}/thread-members/*")
    assert [p.path.rsplit("/", 1)[1] for p in puts] == [str(first), str(second), str(waiting)]
    assert len(fake_discord.state.calls("POST", "/channels/*/messages/*/threads")) == 1


async def test_without_the_setting_no_thread_is_opened(bot, fake_discord):
    await seed_channel()
    game = await create_game()
    await _players(fake_discord, game, 1)
    await deliver_all(bot)
    assert fake_discord.state.calls("POST", "/channels/*/messages/*/threads") == []
    assert (await stored_game(game.id)).thread_discord_id is None


async def test_a_thread_left_by_a_crash_is_taken_over_not_opened_twice(bot, fake_discord):
    await seed_channel(game_threads=True)
    game = await create_game()
    await deliver_all(bot)
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    # The bot opened the thread, then died before it recorded it.
    async with get_db_session() as session:
        await session.execute(update(type(game)).values(thread_discord_id=None))
        await session.commit()
    [player] = await _players(fake_discord, game, 1)
    await deliver_all(bot)
    assert (await stored_game(game.id)).thread_discord_id == int(message["id"])
    assert fake_discord.state.threads[int(message["id"])].member_ids == [player]


async def test_reminders_and_changes_go_to_the_thread_when_the_setting_says_so(bot, fake_discord):
    await seed_channel(game_threads=True, thread_posts=True)
    game = await create_game(max_players=2, title="Catan night")
    [player] = await _players(fake_discord, game, 1)
    await deliver_all(bot)
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    thread_id = int(message["id"])

    handlers = bot.handlers.mapping()
    for recipient in (HOST_ID, player):
        await handle_once(dm_event(game, recipient, DmKind.REMINDER), handlers)
    async with get_db_session() as session:
        await games.update_game(
            session, member(HOST_ID), game.id, games.GameChanges(location="Table 3")
        )
    await deliver_all(bot)
    async with get_db_session() as session:
        await games.cancel_game(session, member(HOST_ID), game.id, "The GM is ill")
    await deliver_all(bot)

    posts = [m["content"] for m in fake_discord.state.channel_messages(thread_id)]
    start = int(game.scheduled_at.timestamp())
    assert posts == [
        f"Reminder: **Catan night** starts <t:{start}:R> (<t:{start}:F>).",
        f"**Catan night** changed (place): it starts <t:{start}:F> (<t:{start}:R>).",
        f"**Catan night** (<t:{start}:F>) was cancelled.\nReason: The GM is ill",
    ]
    thread_posts = fake_discord.state.calls("POST", f"/channels/{thread_id}/messages")
    assert all(p.body["allowed_mentions"] == {"parse": []} for p in thread_posts)
    [dm] = [m for m in fake_discord.state.dms_to(player) if "cancelled" in m["content"]]
    assert "Reason: The GM is ill" in dm["content"]
    [announcement] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert field(announcement, "Status")[1] == "Cancelled by the host: The GM is ill"


async def test_thread_posts_stay_off_by_default(bot, fake_discord):
    await seed_channel(game_threads=True)
    game = await create_game()
    await deliver_all(bot)
    await handle_once(dm_event(game, HOST_ID, DmKind.REMINDER), bot.handlers.mapping())
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    assert fake_discord.state.channel_messages(int(message["id"])) == []
    assert len(fake_discord.state.dms_to(HOST_ID)) == 1

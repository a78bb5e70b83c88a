"""The bot's side of quorums and personal reminders: the nudge post, the host's Cancel / Keep
question, the "game is on" DM decided when sent, and a mention instead of a reminder DM."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from game_scheduler.bot.quorum_buttons import quorum_reply
from game_scheduler.database import get_db_session
from game_scheduler.domain.quorum import QuorumState
from game_scheduler.messaging.events import DmKind, EventType, QuorumNudge, make_event
from game_scheduler.messaging.handling import handle_once
from game_scheduler.models import Channel, Game, GameStatus, User
from tests.integration.bot.support import (
    buttons,
    deliveries,
    dm_event,
    seated_player,
    stored_game,
)
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, create_game


def nudge_event(game: Game, needed: int):
    return make_event(
        EventType.QUORUM_NUDGED,
        QuorumNudge(
            game_id=game.id,
            guild_discord_id=str(GUILD_ID),
            channel_discord_id=str(CHANNEL_ID),
            title=game.title,
            starts_at=int(game.scheduled_at.timestamp()),
            needed=needed,
        ),
    )


def channel_posts(fake_discord, text: str) -> list[dict]:
    return [
        r.body
        for r in fake_discord.state.calls("POST", f"/channels/{CHANNEL_ID}/messages")
        if text in r.body.get("content", "")
    ]


async def set_quorum_state(game_id: int, state: str | None) -> None:
    async with get_db_session() as session:
        await session.execute(update(Game).where(Game.id == game_id).values(quorum_state=state))
        await session.commit()


async def test_the_nudge_is_posted_once_with_how_many_are_still_needed(bot, fake_discord):
    game = await create_game(title="Gloomhaven", max_players=4, min_players=3)
    await seated_player(game)
    event = nudge_event(game, needed=2)

    assert await handle_once(event, bot.handlers.mapping()) is True
    assert await handle_once(event, bot.handlers.mapping()) is False

    [post] = channel_posts(fake_discord, "needs 2 more players")
    assert "**Gloomhaven**" in post["content"]
    assert post["allowed_mentions"]["parse"] == []


async def test_the_nudge_pings_the_role_the_channel_pings_for_new_games_and_no_other(
    bot, fake_discord
):
    game = await create_game(title="Gloomhaven", max_players=4, min_players=3)
    async with get_db_session() as session:
        await session.execute(update(Channel).values(ping_role_id=4242))
        await session.commit()

    await handle_once(nudge_event(game, needed=3), bot.handlers.mapping())

    [post] = channel_posts(fake_discord, "needs 3 more players")
    assert post["content"].startswith("<@&4242> ")
    mentions = post["allowed_mentions"]
    assert [str(r) for r in mentions["roles"]] == ["4242"]
    assert mentions["parse"] == []
    assert not mentions.get("users")


async def test_a_nudge_for_a_game_that_filled_up_since_is_not_posted(bot, fake_discord):
    game = await create_game(max_players=4, min_players=1)
    await seated_player(game)

    await handle_once(nudge_event(game, needed=1), bot.handlers.mapping())

    assert channel_posts(fake_discord, "more player") == []


async def test_the_host_question_comes_with_cancel_and_keep_buttons(bot, fake_discord):
    game = await create_game(max_players=4, min_players=3)

    await handle_once(dm_event(game, HOST_ID, DmKind.QUORUM_ASK_HOST), bot.handlers.mapping())

    [dm] = fake_discord.state.dms_to(HOST_ID)
    assert "Cancel it, or keep it" in dm["content"]
    assert [b["custom_id"] for b in buttons(dm)] == [
        f"gs:quorum:cancel:{game.id}",
        f"gs:quorum:keep:{game.id}",
    ]


async def test_keep_lets_a_short_game_go_ahead_and_only_the_host_may_answer(bot):
    game = await create_game(max_players=4, min_players=3)
    await set_quorum_state(game.id, QuorumState.ASKED)

    refused = await quorum_reply(HOST_ID + 1, game.id, keep=True)
    assert "only the host" in refused
    answer = await quorum_reply(HOST_ID, game.id, keep=True)

    assert "goes ahead" in answer
    assert (await stored_game(game.id)).quorum_state == QuorumState.KEPT
    again = await quorum_reply(HOST_ID, game.id, keep=False)
    assert "no longer waits" in again
    assert (await stored_game(game.id)).status is GameStatus.SCHEDULED


async def test_cancel_cancels_the_short_game(bot):
    game = await create_game(max_players=4, min_players=3)
    await set_quorum_state(game.id, QuorumState.ASKED)

    answer = await quorum_reply(HOST_ID, game.id, keep=False)

    assert "is cancelled" in answer
    stored = await stored_game(game.id)
    assert (stored.status, stored.quorum_state) == (GameStatus.CANCELLED, QuorumState.CANCELLED)


async def test_a_game_is_on_dm_for_a_game_cancelled_since_is_not_sent(bot, fake_discord):
    game = await create_game(max_players=4, min_players=1)
    player = await seated_player(game)
    async with get_db_session() as session:
        await session.execute(
            update(Game).where(Game.id == game.id).values(status=GameStatus.CANCELLED)
        )
        await session.commit()

    await handle_once(dm_event(game, player, DmKind.QUORUM_ON), bot.handlers.mapping())

    assert fake_discord.state.dms_to(player) == []
    [delivery] = await deliveries()
    assert (delivery.route, delivery.detail) == ("expired", "the game is cancelled")


@pytest.mark.parametrize("mention", [True, False])
async def test_a_user_who_chose_mentions_gets_reminders_in_the_channel_not_by_dm(
    bot, fake_discord, mention
):
    game = await create_game()
    player = await seated_player(game)
    async with get_db_session() as session:
        await session.execute(
            update(User).where(User.discord_id == player).values(reminder_mention=mention)
        )
        await session.commit()

    await handle_once(dm_event(game, player), bot.handlers.mapping())

    posts = channel_posts(fake_discord, f"<@{player}> Reminder:")
    if mention:
        assert fake_discord.state.dms_to(player) == []
        [post] = posts
        assert post["allowed_mentions"]["users"] == [player]
        assert post["allowed_mentions"]["parse"] == []
        assert [d.route for d in await deliveries()] == ["channel_mention"]
    else:
        assert posts == []
        assert len(fake_discord.state.dms_to(player)) == 1


async def test_the_reminders_command_sets_shows_and_clears_ones_own_times(bot):
    from game_scheduler.bot.reminders_commands import clear_text, set_text, show_text
    from game_scheduler.errors import ValidationError

    user = 700_000_000_000_099_001
    assert await show_text(user) == "Your reminders follow each game's own times. They come by DM."
    saved = await set_text(user, "me", "1440, 5", None)
    assert saved == "Saved. You're reminded 1440 min, 5 min before. They come by DM."
    mention = await set_text(user, "me", None, True)
    assert mention.endswith("They come as a mention in the game's channel, not as DMs.")
    assert "1440 min, 5 min" in mention  # the times were kept
    with pytest.raises(ValidationError):
        await set_text(user, "me", "soon", None)
    assert await clear_text(user, "me") == (
        "Cleared. Your reminders follow each game's own times. They come by DM."
    )

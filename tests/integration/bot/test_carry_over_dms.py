"""The bot sends a carried-over DM to a pre-confirmed player, and expires it once they left."""

from __future__ import annotations

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import DmKind
from game_scheduler.messaging.handling import handle_once
from game_scheduler.services import signups
from tests.integration.bot.support import deliveries, dm_event, seated_player
from tests.support.factories import create_game, member


async def test_a_carried_player_is_told_how_to_leave(bot, fake_discord):
    game = await create_game(title="Tuesday D&D")
    player = await seated_player(game)

    await handle_once(dm_event(game, player, DmKind.CARRIED_OVER), bot.handlers.mapping())

    [dm] = fake_discord.state.dms_to(player)
    assert "you're confirmed for the next **Tuesday D&D**" in dm["content"]
    assert "Press Leave on the announcement" in dm["content"]


async def test_a_carried_player_who_left_already_gets_nothing(bot, fake_discord):
    game = await create_game()
    player = await seated_player(game)
    async with get_db_session() as session:
        await signups.leave_game(session, member(player), game.id)

    await handle_once(dm_event(game, player, DmKind.CARRIED_OVER), bot.handlers.mapping())

    assert fake_discord.state.dms_to(player) == []
    [delivery] = await deliveries()
    assert delivery.route == "expired"

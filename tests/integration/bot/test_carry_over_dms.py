"""The bot sends a carried-over DM to a pre-confirmed player, and expires it once they left."""

from __future__ import annotations

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import DmKind
from game_scheduler.messaging.handling import handle_once
from game_scheduler.models import Participant
from game_scheduler.services import signups
from tests.integration.bot.support import buttons, deliveries, dm_event, seated_player
from tests.support.factories import create_game, member


async def stored_participants(game_id: int) -> list[Participant]:
    async with get_db_session() as session:
        rows = await session.scalars(select(Participant).where(Participant.game_id == game_id))
        return list(rows)


async def test_a_carried_player_can_give_the_seat_up_from_the_dm(bot, fake_discord):
    game = await create_game(title="Tuesday D&D")
    player = await seated_player(game)

    await handle_once(dm_event(game, player, DmKind.CARRIED_OVER), bot.handlers.mapping())

    [dm] = fake_discord.state.dms_to(player)
    assert "you're confirmed for the next **Tuesday D&D**" in dm["content"]
    assert [b["custom_id"] for b in buttons(dm)] == [f"gs:dmcant:{game.id}"]

    click = await fake_discord.click_in_dm(player, int(dm["id"]), f"gs:dmcant:{game.id}")

    assert "can't make it to **Tuesday D&D**" in click.text
    [stored] = await stored_participants(game.id)
    assert stored.response == "declined"


async def test_a_carried_player_who_left_already_gets_nothing(bot, fake_discord):
    game = await create_game()
    player = await seated_player(game)
    async with get_db_session() as session:
        await signups.leave_game(session, member(player), game.id)

    await handle_once(dm_event(game, player, DmKind.CARRIED_OVER), bot.handlers.mapping())

    assert fake_discord.state.dms_to(player) == []
    [delivery] = await deliveries()
    assert delivery.route == "expired"

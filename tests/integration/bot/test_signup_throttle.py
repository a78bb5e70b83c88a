"""Issue 10: a member toggling Join/Leave too fast is told to slow down; nothing changes."""

import re

from game_scheduler.database import get_db_session
from game_scheduler.services.loading import load_game
from tests.integration.bot.support import deliver_all
from tests.support.factories import CHANNEL_ID, create_game, player_id


async def test_sixth_click_in_a_minute_gets_an_ephemeral_slow_down(bot, fake_discord):
    game = await create_game(max_players=4)
    await deliver_all(bot)
    message_id = int(fake_discord.state.channel_messages(CHANNEL_ID)[0]["id"])
    clicker = player_id()
    answers = []
    for action in ("join", "leave", "join", "leave", "join", "leave"):
        click = await fake_discord.click(clicker, message_id, f"gs:{action}:{game.id}")
        answers.append(click)
    throttled = answers[-1]
    assert throttled.ephemeral
    assert re.fullmatch(
        r"Slow down: too many signup changes on this game; try again in \d+ s\.", throttled.text
    )
    assert all("Slow down" not in a.text for a in answers[:-1])
    async with get_db_session() as session:
        players = [p.user.discord_id for p in (await load_game(session, game.id)).participants]
    assert players == [clicker]  # the refused leave changed nothing

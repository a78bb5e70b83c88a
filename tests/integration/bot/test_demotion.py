"""A lowered cap reaches the fake Discord: demoted players are DMed their waitlist place."""

from game_scheduler.database import get_db_session
from game_scheduler.services import games, signups
from tests.integration.bot.support import deliver_all
from tests.support.factories import HOST_ID, create_game, member, player_id


async def test_lowering_the_cap_from_four_to_two_dms_the_two_demoted_players(bot, fake_discord):
    game = await create_game(title="Catan night", max_players=4)
    players = [member(player_id()) for _ in range(4)]
    for player in players:
        async with get_db_session() as session:
            await signups.join_game(session, player, game.id)
    async with get_db_session() as session:
        await games.update_game(session, member(HOST_ID), game.id, games.GameChanges(max_players=2))

    await deliver_all(bot)

    for player in players[:2]:
        assert fake_discord.state.dms_to(player.discord_id) == []
    start = int(game.scheduled_at.timestamp())
    for place, player in enumerate(players[2:], start=1):
        [dm] = fake_discord.state.dms_to(player.discord_id)
        assert dm["content"].startswith(
            f"The host reduced the seats for **Catan night** (<t:{start}:F>); "
            f"you are now #{place} on the waitlist."
        )

"""The games a host picks from in Discord: upcoming ones to edit, any of theirs to copy."""

from game_scheduler.database import get_db_session
from game_scheduler.services import games, hosted_games
from tests.support.factories import GUILD_ID, HOST_ID, create_game, member, player_id, seed_channel


async def test_games_to_copy_are_the_hosts_own_of_any_status_latest_first(db_url):
    await seed_channel()
    host = member(HOST_ID)
    early = await create_game(title="Catan early", minutes_ahead=60)
    late = await create_game(title="Catan late", minutes_ahead=6000)
    cancelled = await create_game(title="Catan cancelled", minutes_ahead=600)
    await create_game(member(player_id()), title="Catan of another host", minutes_ahead=300)
    await create_game(title="Poker", minutes_ahead=120)
    async with get_db_session() as session:
        await games.cancel_game(session, host, cancelled.id)

    async with get_db_session() as session:
        found = await hosted_games.hosted_recent(session, host, GUILD_ID, "catan")
        upcoming = await hosted_games.hosted_upcoming(session, host, GUILD_ID, "catan")
        outsider = await hosted_games.hosted_recent(
            session, member(HOST_ID, guild_id=GUILD_ID + 1), GUILD_ID
        )

    assert [g.id for g in found] == [late.id, cancelled.id, early.id]
    assert [g.id for g in upcoming] == [early.id, late.id]
    assert outsider == []

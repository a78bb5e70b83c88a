"""Join, leave and the waitlist on PostgreSQL and SQLite."""

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.errors import AlreadyJoined, GameNotOpen, NotAllowed, NotFound, NotJoined
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.models import GameStatus, OutboxEvent
from game_scheduler.services import games, signups
from game_scheduler.services.loading import load_game
from tests.support.factories import (
    GUILD_ID,
    HOST_ID,
    create_game,
    join,
    member,
    player_id,
    seed_channel,
)
from tests.support.members import seed_member


async def _leave(game_id, actor):
    async with get_db_session() as session:
        return await signups.leave_game(session, actor, game_id)


async def _events(event_type: EventType) -> list[dict]:
    async with get_db_session() as session:
        rows = await session.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == event_type.value)
            .order_by(OutboxEvent.id)
        )
        return [Envelope.model_validate(p).data for p in rows.scalars()]


async def test_join_fills_seats_then_waitlist(db_url):
    await seed_channel()
    game = await create_game(max_players=2)
    players = [member(player_id()) for _ in range(4)]
    standings = [await join(game.id, p) for p in players]
    assert [s.confirmed for s in standings] == [True, True, False, False]
    assert [s.waitlist_position for s in standings] == [None, None, 1, 2]
    joined = await _events(EventType.PLAYER_JOINED)
    assert [j["confirmed"] for j in joined] == [True, True, False, False]
    assert joined[3]["waitlist_position"] == 2


async def test_confirmed_leave_promotes_first_waitlisted_and_dms_them(db_url):
    await seed_channel()
    game = await create_game(max_players=2)
    a, b, c, d = (member(player_id()) for _ in range(4))
    for p in (a, b, c, d):
        await join(game.id, p)
    await _leave(game.id, a)
    promoted = await _events(EventType.WAITLIST_PROMOTED)
    assert [p["user_discord_id"] for p in promoted] == [str(c.discord_id)]
    assert promoted[0]["confirmed"] is True
    dms = await _events(EventType.SEND_DM)
    assert [(dm["recipient_discord_id"], dm["kind"]) for dm in dms] == [
        (str(c.discord_id), "waitlist_promotion")
    ]
    async with get_db_session() as session:
        loaded = await load_game(session, game.id)
        order = [p.user.discord_id for p in loaded.participants]
    assert order == [b.discord_id, c.discord_id, d.discord_id]


async def test_waitlisted_leave_promotes_nobody(db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    a, b = member(player_id()), member(player_id())
    await join(game.id, a)
    await join(game.id, b)
    await _leave(game.id, b)
    assert await _events(EventType.WAITLIST_PROMOTED) == []


async def test_raising_the_cap_promotes_waitlisted_players(db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    a, b, c = (member(player_id()) for _ in range(3))
    for p in (a, b, c):
        await join(game.id, p)
    async with get_db_session() as session:
        await games.update_game(session, member(HOST_ID), game.id, games.GameChanges(max_players=3))
    promoted = await _events(EventType.WAITLIST_PROMOTED)
    assert [p["user_discord_id"] for p in promoted] == [str(b.discord_id), str(c.discord_id)]


async def test_lowering_the_cap_demotes_the_last_confirmed_and_tells_them(db_url):
    await seed_channel()
    game = await create_game(max_players=4)
    a, b, c, d, e = (member(player_id()) for _ in range(5))
    for p in (a, b, c, d, e):
        await join(game.id, p)
    async with get_db_session() as session:
        await games.update_game(session, member(HOST_ID), game.id, games.GameChanges(max_players=2))
    demoted = await _events(EventType.WAITLIST_DEMOTED)
    assert [(p["user_discord_id"], p["confirmed"], p["waitlist_position"]) for p in demoted] == [
        (str(c.discord_id), False, 1),
        (str(d.discord_id), False, 2),
    ]
    dms = await _events(EventType.SEND_DM)
    assert [(dm["recipient_discord_id"], dm["kind"], dm["waitlist_position"]) for dm in dms] == [
        (str(c.discord_id), "demoted", 1),
        (str(d.discord_id), "demoted", 2),
    ]
    assert await _events(EventType.WAITLIST_PROMOTED) == []


async def test_double_join_leave_without_join_and_strangers(db_url):
    await seed_channel()
    game = await create_game()
    a = member(player_id())
    await join(game.id, a)
    with pytest.raises(AlreadyJoined):
        await join(game.id, a)
    with pytest.raises(NotJoined):
        await _leave(game.id, member(player_id()))
    with pytest.raises(NotFound):
        await join(game.id, member(player_id(), guild_id=GUILD_ID + 5))
    with pytest.raises(NotFound):
        await join(game.id + 1000, a)


async def test_no_signups_after_cancel(db_url):
    await seed_channel()
    game = await create_game()
    a = member(player_id())
    await join(game.id, a)
    async with get_db_session() as session:
        await games.cancel_game(session, member(HOST_ID), game.id)
    with pytest.raises(GameNotOpen, match="cancelled"):
        await join(game.id, member(player_id()))
    cancellations = [d for d in await _events(EventType.SEND_DM) if d["kind"] == "cancellation"]
    assert [d["recipient_discord_id"] for d in cancellations] == [str(a.discord_id)]
    async with get_db_session() as session:
        assert (await load_game(session, game.id)).status is GameStatus.CANCELLED


async def test_host_adds_and_removes_players(db_url, configure):
    configure(removal_dm_grace_minutes="0")
    await seed_channel()
    game = await create_game(max_players=1)
    a, b = player_id(), player_id()
    await seed_member(a, b)
    async with get_db_session() as session:
        await signups.add_player(session, member(HOST_ID), game.id, a)
    async with get_db_session() as session:
        standing = await signups.add_player(session, member(HOST_ID), game.id, b)
    assert standing.waitlist_position == 1
    async with get_db_session() as session:
        with pytest.raises(NotAllowed):
            await signups.remove_player(session, member(player_id()), game.id, a)
    async with get_db_session() as session:
        await signups.remove_player(session, member(HOST_ID), game.id, a)
    dms = {(d["recipient_discord_id"], d["kind"]) for d in await _events(EventType.SEND_DM)}
    assert dms == {(str(a), "removed"), (str(b), "waitlist_promotion")}

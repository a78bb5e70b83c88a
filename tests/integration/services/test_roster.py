"""The host's roster: member search, moves, cancel reason; on PostgreSQL and SQLite."""

import asyncio

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.errors import GameNotOpen, NotAllowed, ValidationError
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.models import OutboxEvent, Participant, utcnow
from game_scheduler.services import games, members, registry, roster, signups
from game_scheduler.services.loading import load_game
from tests.support.factories import HOST_ID, create_game, member, player_id, seed_channel
from tests.support.members import seed_member

HOST = member(HOST_ID)


async def _events(event_type: EventType) -> list[dict]:
    async with get_db_session() as session:
        rows = await session.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == event_type.value)
            .order_by(OutboxEvent.id)
        )
        return [Envelope.model_validate(p).data for p in rows.scalars()]


async def _game_with(players: int, max_players: int):
    await seed_channel()
    game = await create_game(max_players=max_players)
    ids = [player_id() for _ in range(players)]
    for discord_id in ids:
        async with get_db_session() as session:
            await signups.join_game(session, member(discord_id), game.id)
    return game, ids


async def _order(game_id: int) -> list[int]:
    async with get_db_session() as session:
        game = await load_game(session, game_id)
        return [p.user.discord_id for p in game.participants]


async def _move(game_id: int, player: int, to: str, actor=HOST):
    async with get_db_session() as session:
        return await roster.move_player(session, actor, game_id, player, to)


async def test_giving_a_seat_demotes_the_last_seated_and_both_are_told(db_url):
    game, (a, b, c, d) = await _game_with(4, 2)
    standing = await _move(game.id, d, "seat")
    assert standing.confirmed
    assert await _order(game.id) == [a, d, b, c]
    dms = [
        (dm["recipient_discord_id"], dm["kind"], dm["waitlist_position"])
        for dm in await _events(EventType.SEND_DM)
    ]
    assert dms == [(str(d), "waitlist_promotion", None), (str(b), "demoted", 1)]
    promoted = await _events(EventType.WAITLIST_PROMOTED)
    demoted = await _events(EventType.WAITLIST_DEMOTED)
    assert [e["user_discord_id"] for e in promoted] == [str(d)]
    assert [(e["user_discord_id"], e["waitlist_position"]) for e in demoted] == [(str(b), 1)]


async def test_sending_to_the_waitlist_seats_the_first_waiting(db_url):
    game, (a, b, c) = await _game_with(3, 2)
    standing = await _move(game.id, a, "waitlist")
    assert (standing.confirmed, standing.waitlist_position) == (False, 1)
    assert await _order(game.id) == [b, c, a]
    kinds = [(dm["recipient_discord_id"], dm["kind"]) for dm in await _events(EventType.SEND_DM)]
    assert kinds == [(str(c), "waitlist_promotion"), (str(a), "demoted")]


async def test_only_the_host_or_a_manager_moves_and_only_before_the_start(db_url):
    game, (a, b, c) = await _game_with(3, 2)
    with pytest.raises(NotAllowed):
        await _move(game.id, c, "seat", actor=member(a))
    with pytest.raises(ValidationError) as caught:
        await _move(game.id, a, "seat")
    assert caught.value.field == "to"
    assert await _order(game.id) == [a, b, c]
    async with get_db_session() as session:
        await games.cancel_game(session, HOST, game.id)
    with pytest.raises(GameNotOpen):
        await _move(game.id, c, "seat")


async def test_search_finds_present_members_not_yet_signed_up(db_url):
    game, (joined,) = await _game_with(1, 4)
    alice, alina, bob, gone = player_id(), player_id(), player_id(), player_id()
    async with get_db_session() as session:
        for discord_id, name in (
            (alice, "Alice"),
            (alina, "alina_%"),
            (bob, "Bob"),
            (gone, "Alfred"),
            (joined, "Alex"),
        ):
            await registry.ensure_user(session, discord_id, name)
        await session.commit()
    await seed_member(alice, alina, bob, gone, joined)
    async with get_db_session() as session:
        user = await registry.ensure_user(session, gone)
        await members.record_left(session, user.id, game.guild.discord_id, utcnow())
        await session.commit()
    async with get_db_session() as session:
        found = await roster.search_members(session, HOST, game.id, "AL")
    assert [m.username for m in found] == ["Alice", "alina_%"]
    async with get_db_session() as session:
        literal = await roster.search_members(session, HOST, game.id, "_%")
    assert [m.discord_id for m in literal] == [alina]
    with pytest.raises(NotAllowed):
        async with get_db_session() as session:
            await roster.search_members(session, member(bob), game.id, "a")


async def test_add_refuses_someone_outside_the_server(db_url):
    game, _ = await _game_with(0, 2)
    stranger = player_id()  # never seen in the server, and no bot token to ask Discord with
    with pytest.raises(ValidationError) as caught:
        async with get_db_session() as session:
            await roster.add_player(session, HOST, game.id, stranger)
    assert caught.value.field == "user_id"
    assert await _order(game.id) == []


async def test_cancel_reason_is_kept_and_travels_in_the_dms(db_url):
    game, (a, b) = await _game_with(2, 1)
    async with get_db_session() as session:
        cancelled = await games.cancel_game(session, HOST, game.id, "  The GM is ill  ")
    assert cancelled.cancel_reason == "The GM is ill"
    dms = await _events(EventType.SEND_DM)
    assert [(dm["recipient_discord_id"], dm["reason"]) for dm in dms] == [
        (str(a), "The GM is ill"),
        (str(b), "The GM is ill"),
    ]


async def test_a_bad_cancel_reason_changes_nothing(db_url):
    game, _ = await _game_with(1, 1)
    with pytest.raises(ValidationError) as caught:
        async with get_db_session() as session:
            await games.cancel_game(session, HOST, game.id, "x" * 501)
    assert caught.value.field == "reason"
    async with get_db_session() as session:
        assert (await load_game(session, game.id)).status.value == "SCHEDULED"


async def test_moves_and_joins_at_once_keep_one_player_per_place(db_url):
    game, ids = await _game_with(6, 3)
    newcomers = [member(player_id()) for _ in range(4)]

    async def join(actor):
        async with get_db_session() as session:
            await signups.join_game(session, actor, game.id)

    await asyncio.gather(
        _move(game.id, ids[5], "seat"),
        _move(game.id, ids[0], "waitlist"),
        *(join(actor) for actor in newcomers),
    )
    order = await _order(game.id)
    assert len(order) == len(set(order)) == 10
    async with get_db_session() as session:
        positions = list(
            await session.scalars(
                select(Participant.position).where(Participant.game_id == game.id)
            )
        )
    assert len(set(positions)) == 10
    assert ids[5] in order[:3]
    assert ids[0] in order[3:]
    seated_dms = {
        dm["recipient_discord_id"]
        for dm in await _events(EventType.SEND_DM)
        if dm["kind"] == "waitlist_promotion"
    }
    assert str(ids[5]) in seated_dms

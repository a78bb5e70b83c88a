"""Seat offers and re-confirmations through the services, on PostgreSQL and SQLite."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.domain.rsvp import Response
from game_scheduler.errors import NotAllowed, OfferClosed
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.models import OutboxEvent, SeatOffer, utcnow
from game_scheduler.scheduler.services.offer_expiry import expire_lapsed_offers
from game_scheduler.services import games, seat_offers, signups
from game_scheduler.services.loading import load_game
from tests.support.factories import HOST_ID, create_game, join, member, player_id, seed_channel


async def _leave(game_id, actor):
    async with get_db_session() as session:
        return await signups.leave_game(session, actor, game_id)


async def _answer(offer_id, actor, accept):
    async with get_db_session() as session:
        return await seat_offers.answer_offer(session, actor, offer_id, accept=accept)


async def _dms() -> list[tuple[int, str, int | None, str | None]]:
    async with get_db_session() as session:
        rows = await session.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == EventType.SEND_DM.value)
            .order_by(OutboxEvent.id)
        )
        data = [Envelope.model_validate(p).data for p in rows.scalars()]
    return [
        (int(d["recipient_discord_id"]), d["kind"], d["offer_id"], d["subject_discord_id"])
        for d in data
    ]


async def _offers() -> list[SeatOffer]:
    async with get_db_session() as session:
        return list((await session.scalars(select(SeatOffer).order_by(SeatOffer.id))).all())


async def _roster(game_id) -> list[int]:
    async with get_db_session() as session:
        game = await load_game(session, game_id)
        return [p.user.discord_id for p in game.participants]


async def _full_game(players=3, **fields):
    """A game of one seat, in offer mode, with ``players`` signed up (the rest wait)."""
    await seed_channel()
    game = await create_game(max_players=1, seat_mode="offer", **fields)
    actors = [member(player_id()) for _ in range(players)]
    for actor in actors:
        await join(game.id, actor)
    return game, actors


async def test_freed_seat_is_offered_then_accepted(db_url):
    game, (a, b, c) = await _full_game()
    await _leave(game.id, a)
    [offer] = await _offers()
    assert (offer.user_discord_id, offer.kind, offer.resolved_at) == (b.discord_id, "seat", None)
    assert offer.expires_at - offer.offered_at == timedelta(minutes=30)
    assert await _dms() == [(b.discord_id, "seat_offer", offer.id, None)]
    with pytest.raises(NotAllowed):
        await _answer(offer.id, c, True)
    answered = await _answer(offer.id, b, True)
    assert answered.holds_seat
    assert await _roster(game.id) == [b.discord_id, c.discord_id]
    assert (await _offers())[0].outcome == "accepted"
    assert (await _dms())[-1] == (HOST_ID, "seat_summary", None, str(b.discord_id))
    with pytest.raises(OfferClosed):
        await _answer(offer.id, b, False)


async def test_pass_offers_the_seat_to_the_next_then_summary_when_nobody_is_left(db_url):
    game, (a, b, c) = await _full_game()
    await _leave(game.id, a)
    first = (await _offers())[0]
    await _answer(first.id, b, False)
    offers = await _offers()
    assert [(o.user_discord_id, o.outcome) for o in offers] == [
        (b.discord_id, "declined"),
        (c.discord_id, None),
    ]
    assert await _roster(game.id) == [c.discord_id]
    await _answer(offers[1].id, c, False)
    assert await _roster(game.id) == []
    summaries = [dm for dm in await _dms() if dm[1] == "seat_summary"]
    assert summaries == [(HOST_ID, "seat_summary", None, None)]


async def test_silence_expires_the_offer_once_and_the_next_player_is_offered(db_url):
    game, (a, b, c) = await _full_game()
    await _leave(game.id, a)
    later = utcnow() + timedelta(minutes=31)
    with get_sync_db_session() as session:
        assert expire_lapsed_offers(session, later) == 1
    with get_sync_db_session() as session:
        assert expire_lapsed_offers(session, later) == 0
    offers = await _offers()
    assert [(o.user_discord_id, o.outcome) for o in offers] == [
        (b.discord_id, "expired"),
        (c.discord_id, None),
    ]
    assert await _roster(game.id) == [c.discord_id]
    kinds = [(dm[0], dm[1]) for dm in await _dms()]
    assert kinds == [
        (b.discord_id, "seat_offer"),
        (b.discord_id, "offer_lapsed"),
        (c.discord_id, "seat_offer"),
    ]


async def test_an_offered_player_answering_maybe_ends_the_offer_and_the_next_is_offered(db_url):
    game, (a, b, c) = await _full_game()
    await _leave(game.id, a)
    async with get_db_session() as session:
        await signups.respond(session, b, game.id, Response.MAYBE)
    offers = await _offers()
    assert [(o.user_discord_id, o.outcome) for o in offers] == [
        (b.discord_id, "withdrawn"),
        (c.discord_id, None),
    ]
    assert await _roster(game.id) == [b.discord_id, c.discord_id]  # b keeps the maybe answer
    later = utcnow() + timedelta(minutes=31)
    with get_sync_db_session() as session:
        assert expire_lapsed_offers(session, later) == 1  # c's offer only
    assert await _roster(game.id) == [b.discord_id]


async def test_instant_mode_promotes_at_once_without_offers(db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    a, b = member(player_id()), member(player_id())
    await join(game.id, a)
    await join(game.id, b)
    await _leave(game.id, a)
    assert await _offers() == []
    assert [(dm[0], dm[1]) for dm in await _dms()] == [(b.discord_id, "waitlist_promotion")]


async def test_window_is_shortened_before_a_soon_start(db_url):
    game, (a, _b, _c) = await _full_game(minutes_ahead=20)
    await _leave(game.id, a)
    [offer] = await _offers()
    assert timedelta(minutes=9) < offer.expires_at - offer.offered_at <= timedelta(minutes=10)


async def test_raising_the_cap_offers_the_new_seat(db_url):
    game, (_a, b, _c) = await _full_game()
    async with get_db_session() as session:
        await games.update_game(session, member(HOST_ID), game.id, games.GameChanges(max_players=2))
    [offer] = await _offers()
    assert offer.user_discord_id == b.discord_id


async def _move(game, reconfirm=True):
    async with get_db_session() as session:
        changes = games.GameChanges(scheduled_at=game.scheduled_at + timedelta(hours=1))
        await games.update_game(session, member(HOST_ID), game.id, changes, reconfirm=reconfirm)


async def test_reconfirm_keep_and_cant(db_url):
    await seed_channel()
    game = await create_game(max_players=2)
    a, b, c = (member(player_id()) for _ in range(3))
    for actor in (a, b, c):
        await join(game.id, actor)
    await _move(game)
    offers = await _offers()
    assert [(o.user_discord_id, o.kind) for o in offers] == [
        (a.discord_id, "reconfirm"),
        (b.discord_id, "reconfirm"),
    ]
    waitlisted = [dm for dm in await _dms() if dm[0] == c.discord_id]
    assert waitlisted == []  # the waitlist hears only when promoted
    assert (await _answer(offers[0].id, a, True)).holds_seat
    assert not (await _answer(offers[1].id, b, False)).holds_seat
    assert await _roster(game.id) == [a.discord_id, c.discord_id]  # instant mode: c promoted
    assert (await _dms())[-1][:2] == (c.discord_id, "waitlist_promotion")


@pytest.mark.parametrize("frees", [False, True])
async def test_reconfirm_silence_frees_the_seat_only_when_set(db_url, frees):
    await seed_channel()
    game = await create_game(max_players=1, reconfirm_frees_seat=frees)
    a, b = member(player_id()), member(player_id())
    await join(game.id, a)
    await join(game.id, b)
    await _move(game)
    with get_sync_db_session() as session:
        assert expire_lapsed_offers(session, utcnow() + timedelta(days=1)) == 1
    expected = [b.discord_id] if frees else [a.discord_id, b.discord_id]
    assert await _roster(game.id) == expected
    assert (await _offers())[0].outcome == "expired"


async def test_a_move_without_reconfirm_only_tells_players(db_url):
    await seed_channel()
    game = await create_game(max_players=2)
    a = member(player_id())
    await join(game.id, a)
    await _move(game, reconfirm=False)
    assert await _offers() == []
    assert [dm[1] for dm in await _dms()] == ["rescheduled"]


async def test_seat_settings_inherit_game_then_channel_then_server(db_url):
    from game_scheduler.services import settings as settings_service
    from tests.support.factories import CHANNEL_ID, GUILD_ID

    await seed_channel()
    admin = member(HOST_ID, manage=True)
    async with get_db_session() as session:
        await settings_service.update_guild_settings(
            session,
            admin,
            GUILD_ID,
            settings_service.GuildSettingsChanges(seat_mode="offer", offer_window_minutes=10),
        )
    async with get_db_session() as session:
        await settings_service.update_channel_settings(
            session,
            admin,
            GUILD_ID,
            CHANNEL_ID,
            settings_service.ChannelSettingsChanges(offer_window_minutes=20),
        )
    for game_window, expected in ((None, 20), (45, 45)):
        game = await create_game(max_players=1, offer_window_minutes=game_window)
        a, b = member(player_id()), member(player_id())
        await join(game.id, a)
        await join(game.id, b)
        await _leave(game.id, a)
        offer = (await _offers())[-1]
        assert offer.user_discord_id == b.discord_id  # offer mode comes from the server
        assert offer.expires_at - offer.offered_at == timedelta(minutes=expected)

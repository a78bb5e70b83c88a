"""Three-way RSVP through the signup service, on PostgreSQL and SQLite: seats count only the
going players, giving up a seat promotes like a leave, and the events say what happened."""

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.domain.rsvp import Response, RsvpStatus
from game_scheduler.errors import NotJoined
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.models import OutboxEvent
from game_scheduler.seats import lineups
from game_scheduler.services import games, signups
from game_scheduler.services.loading import load_game
from tests.support.factories import create_game, join, member, player_id, seed_channel


async def _answer(game_id, actor, answer):
    async with get_db_session() as session:
        return await signups.respond(session, actor, game_id, answer)


async def _events(event_type: EventType) -> list[dict]:
    async with get_db_session() as session:
        rows = await session.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == event_type.value)
            .order_by(OutboxEvent.id)
        )
        return [Envelope.model_validate(p).data for p in rows.scalars()]


async def _roster(game_id):
    async with get_db_session() as session:
        game = await load_game(session, game_id)
        split = lineups.roster(game)
        return {
            name: [p.user.discord_id for p in people]
            for name, people in (
                ("confirmed", split.confirmed),
                ("waitlist", split.waitlist),
                ("maybe", split.maybe),
                ("declined", split.declined),
            )
        }


async def test_maybe_and_declined_hold_no_seat(db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    unsure, out, keen = (member(player_id()) for _ in range(3))
    assert (await _answer(game.id, unsure, Response.MAYBE)).status is RsvpStatus.MAYBE
    assert (await _answer(game.id, out, Response.DECLINED)).status is RsvpStatus.DECLINED
    seated = await join(game.id, keen)
    assert (seated.confirmed, seated.status) == (True, RsvpStatus.CONFIRMED)
    assert await _roster(game.id) == {
        "confirmed": [keen.discord_id],
        "waitlist": [],
        "maybe": [unsure.discord_id],
        "declined": [out.discord_id],
    }
    responded = await _events(EventType.PLAYER_RESPONDED)
    assert [(e["user_discord_id"], e["response"]) for e in responded] == [
        (str(unsure.discord_id), "maybe"),
        (str(out.discord_id), "declined"),
    ]


async def test_giving_up_a_seat_promotes_the_first_waitlisted_and_tells_them(db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    first, second = member(player_id()), member(player_id())
    await join(game.id, first)
    await join(game.id, second)

    standing = await _answer(game.id, first, Response.DECLINED)

    assert (standing.confirmed, standing.status) == (False, RsvpStatus.DECLINED)
    assert (await _roster(game.id))["confirmed"] == [second.discord_id]
    [promoted] = await _events(EventType.WAITLIST_PROMOTED)
    assert promoted["user_discord_id"] == str(second.discord_id)
    left = await _events(EventType.PLAYER_LEFT)
    assert [(e["user_discord_id"], e["response"]) for e in left] == [
        (str(first.discord_id), "declined")
    ]
    dms = await _events(EventType.SEND_DM)
    assert [(d["recipient_discord_id"], d["kind"]) for d in dms] == [
        (str(second.discord_id), "waitlist_promotion")
    ]


async def test_coming_back_from_maybe_goes_to_the_end_of_the_line(db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    first, second = member(player_id()), member(player_id())
    await join(game.id, first)
    await _answer(game.id, first, Response.MAYBE)  # the seat is free: nobody waits for it
    await join(game.id, second)

    back = await _answer(game.id, first, Response.GOING)

    assert (back.confirmed, back.waitlist_position, back.status) == (
        False,
        1,
        RsvpStatus.WAITLISTED,
    )
    assert await _roster(game.id) == {
        "confirmed": [second.discord_id],
        "waitlist": [first.discord_id],
        "maybe": [],
        "declined": [],
    }


async def test_the_same_answer_twice_changes_nothing(db_url):
    await seed_channel()
    game = await create_game(max_players=2)
    player = member(player_id())
    await _answer(game.id, player, Response.MAYBE)
    again = await _answer(game.id, player, Response.MAYBE)
    assert again.status is RsvpStatus.MAYBE
    assert len(await _events(EventType.PLAYER_RESPONDED)) == 1


async def test_a_lower_cap_demotes_only_among_going_players(db_url):
    await seed_channel()
    game = await create_game(max_players=2)
    unsure, a, b = (member(player_id()) for _ in range(3))
    await _answer(game.id, unsure, Response.MAYBE)
    await join(game.id, a)
    await join(game.id, b)
    async with get_db_session() as session:
        await games.update_game(
            session, member(game.host.discord_id), game.id, games.GameChanges(max_players=1)
        )
    assert (await _roster(game.id))["waitlist"] == [b.discord_id]
    [demoted] = await _events(EventType.WAITLIST_DEMOTED)
    assert (demoted["user_discord_id"], demoted["waitlist_position"]) == (str(b.discord_id), 1)


async def test_cancellation_reaches_going_and_maybe_but_not_declined(db_url):
    await seed_channel()
    game = await create_game(max_players=2)
    keen, unsure, out = (member(player_id()) for _ in range(3))
    await join(game.id, keen)
    await _answer(game.id, unsure, Response.MAYBE)
    await _answer(game.id, out, Response.DECLINED)
    async with get_db_session() as session:
        await games.cancel_game(session, member(game.host.discord_id), game.id)
    told = {d["recipient_discord_id"] for d in await _events(EventType.SEND_DM)}
    assert told == {str(keen.discord_id), str(unsure.discord_id)}


async def test_the_dm_button_declines_only_a_signed_up_player(db_url):
    await seed_channel()
    game = await create_game(max_players=1)
    first, second, stranger = (member(player_id()) for _ in range(3))
    await join(game.id, first)
    await join(game.id, second)
    async with get_db_session() as session:
        standing = await signups.decline_from_dm(session, first.discord_id, game.id)
    assert standing.status is RsvpStatus.DECLINED
    assert (await _roster(game.id))["confirmed"] == [second.discord_id]
    async with get_db_session() as session:
        try:
            await signups.decline_from_dm(session, stranger.discord_id, game.id)
        except NotJoined:
            pass
        else:
            raise AssertionError("a stranger's click must not sign them up")
    everyone = [i for people in (await _roster(game.id)).values() for i in people]
    assert stranger.discord_id not in everyone

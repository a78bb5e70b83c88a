"""Join and leave games, and hosts adding or removing players; the waitlist fills freed seats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.domain import notices as notices_for
from game_scheduler.domain import permissions, rsvp, status, waitlist
from game_scheduler.domain.limits import removal_worth_telling
from game_scheduler.domain.offers import OfferKind, Outcome
from game_scheduler.errors import AlreadyJoined, GameNotOpen, NotJoined
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.outbox import commit_and_publish
from game_scheduler.models import Game, Participant, utcnow
from game_scheduler.seats import lineups
from game_scheduler.seats import offers as seat_offers
from game_scheduler.seats.staging import stage_player
from game_scheduler.services import members, throttle
from game_scheduler.services.loading import check_can_manage, load_game
from game_scheduler.services.registry import ensure_user
from game_scheduler.services.reminders import sync_reminders


@dataclass(frozen=True)
class Standing:
    """Where a player stands after a signup change (``status`` None: not signed up)."""

    game: Game
    confirmed: bool
    waitlist_position: int | None
    status: rsvp.RsvpStatus | None = None


def _check_open(game: Game) -> None:
    if not status.is_open_for_signup(game.status):
        state = {
            "IN_PROGRESS": "has already started",
            "COMPLETED": "is over",
            "CANCELLED": "was cancelled",
        }.get(game.status.value, "is closed")
        raise GameNotOpen(f"this game {state}")


def _standing(game: Game, participant: Participant) -> Standing:
    current, place = lineups.status(game, participant)
    return Standing(game, current is rsvp.RsvpStatus.CONFIRMED, place, current)


async def _answer(
    session: AsyncSession,
    game: Game,
    discord_id: int,
    username: str,
    answer: rsvp.Response,
    *,
    again_is_error: bool = False,
) -> Standing:
    """Apply one RSVP answer (``domain.rsvp.move``) under the game's lock, with its events."""
    _check_open(game)
    # Locked: a concurrent change of their offsets (it updates the row, then re-derives the
    # user's games) either waits for this answer, and then sees it, or is read here.
    user = await ensure_user(session, discord_id, username, lock=True)
    mine = next((p for p in game.participants if p.user_id == user.id), None)
    step = rsvp.move(None if mine is None else rsvp.Response(lineups.answer(mine)), answer)
    if step is rsvp.Move.UNCHANGED:
        assert mine is not None
        if again_is_error:
            raise AlreadyJoined("already signed up for this game")
        standing = _standing(game, mine)
        await session.commit()  # nothing changed; ends the lock
        return standing
    now = utcnow()
    await throttle.take_signup_change(session, game.id, discord_id, now)
    notices: list[notices_for.Notice[Participant]] = []
    closed: list[OfferKind] = []
    if mine is None:
        mine = Participant(
            game=game,
            user=user,
            position=waitlist.next_position([p.position for p in game.participants]),
            response=answer,
        )
        session.add(mine)
    elif step is rsvp.Move.TAKE_PLACE:
        mine.position = waitlist.next_position([p.position for p in game.participants])
        mine.joined_at = now
        mine.response = answer
    elif step is rsvp.Move.GIVE_UP_PLACE:
        notices = notices_for.after_leave(lineups.going(game), game.max_players, mine)
        # A seat or re-confirmation on offer to them ends here, not when it would lapse.
        closed = await session.run_sync(seat_offers.close_offers, [mine.id], Outcome.WITHDRAWN, now)
        mine.response = answer
    else:
        mine.response = answer
    await session.flush()
    if user.reminder_offsets is not None:  # their personal reminders follow the answer
        await sync_reminders(session, game, now)
    if answer is rsvp.Response.GOING:
        rank = lineups.going_rank(game, mine)
        stage_player(session, game, EventType.PLAYER_JOINED, discord_id, rank)
    elif step is rsvp.Move.GIVE_UP_PLACE:
        stage_player(session, game, EventType.PLAYER_LEFT, discord_id, None, response=answer)
    else:
        stage_player(session, game, EventType.PLAYER_RESPONDED, discord_id, None, response=answer)
    await session.run_sync(
        seat_offers.stage_seat_notices,
        game,
        notices,
        now,
        seat_offer_ended=OfferKind.SEAT in closed,
    )
    standing = _standing(game, mine)
    await commit_and_publish(session)
    return standing


async def _add(session: AsyncSession, game: Game, discord_id: int, username: str) -> Standing:
    return await _answer(
        session, game, discord_id, username, rsvp.Response.GOING, again_is_error=True
    )


async def _remove(
    session: AsyncSession,
    game: Game,
    discord_id: int,
    *,
    removed_by_host: bool = False,
    counted: bool = True,
) -> Standing:
    _check_open(game)
    leaving = lineups.find(game, discord_id)
    if leaving is None:
        raise NotJoined("not signed up for this game")
    now = utcnow()
    if counted:
        await throttle.take_signup_change(session, game.id, discord_id, now)
    grace = timedelta(minutes=get_settings().removal_dm_grace_minutes)
    tell_removed = removed_by_host and removal_worth_telling(leaving.joined_at, now, grace)
    notices = notices_for.after_leave(
        lineups.going(game), game.max_players, leaving, removed_by_host=tell_removed
    )
    closed = await session.run_sync(seat_offers.close_offers, [leaving.id], Outcome.WITHDRAWN, now)
    game.participants.remove(leaving)
    await session.delete(leaving)
    await session.flush()
    if leaving.user.reminder_offsets is not None:  # their personal reminders end with it
        await sync_reminders(session, game, now)
    stage_player(session, game, EventType.PLAYER_LEFT, discord_id, None)
    await session.run_sync(
        seat_offers.stage_seat_notices,
        game,
        notices,
        now,
        seat_offer_ended=OfferKind.SEAT in closed,
    )
    await commit_and_publish(session)
    return Standing(game, confirmed=False, waitlist_position=None)


async def join_game(session: AsyncSession, actor: permissions.Actor, game_id: int) -> Standing:
    """Sign the actor up: a seat if one is free, else the end of the waitlist."""
    game = await load_game(session, game_id, actor, lock=True)
    return await _add(session, game, actor.discord_id, actor.username)


async def leave_game(session: AsyncSession, actor: permissions.Actor, game_id: int) -> Standing:
    """Drop the actor's signup; a freed seat goes to the first on the waitlist."""
    game = await load_game(session, game_id, actor, lock=True)
    return await _remove(session, game, actor.discord_id)


async def add_player(
    session: AsyncSession,
    actor: permissions.Actor,
    game_id: int,
    player_discord_id: int,
) -> Standing:
    """The host signs up a member of the game's server, with the same seat-or-waitlist rule.

    Their name is not taken from the host: it comes only from Discord.
    """
    await members.require_member(session, actor, game_id, player_discord_id, utcnow())
    game = await load_game(session, game_id, actor, lock=True)
    check_can_manage(actor, game)
    return await _add(session, game, player_discord_id, "")


async def remove_player(
    session: AsyncSession, actor: permissions.Actor, game_id: int, player_discord_id: int
) -> Standing:
    """The host removes a player, who is told; the waitlist fills the seat."""
    game = await load_game(session, game_id, actor, lock=True)
    check_can_manage(actor, game)
    return await _remove(session, game, player_discord_id, removed_by_host=True)


async def drop_departed(session: AsyncSession, game_id: int, player_discord_id: int) -> None:
    """A player left the game's server: the signup goes, the waitlist fills the seat, no DM."""
    game = await load_game(session, game_id, lock=True)
    try:
        await _remove(session, game, player_discord_id, counted=False)
    except (NotJoined, GameNotOpen):
        await session.commit()  # nothing changed; ends the lock without expiring the caller's rows


async def respond(
    session: AsyncSession, actor: permissions.Actor, game_id: int, answer: rsvp.Response
) -> Standing:
    """Answer going, maybe or can't; leaving the going line frees a seat for the waitlist.

    The same answer twice changes nothing (and is not counted against the signup limit).
    """
    game = await load_game(session, game_id, actor, lock=True)
    return await _answer(session, game, actor.discord_id, actor.username, answer)


async def decline_from_dm(session: AsyncSession, discord_id: int, game_id: int) -> Standing:
    """The "Can't make it" button of a reminder DM: only a signed-up player can use it.

    A DM carries no server membership, so the signup itself is the proof that the user may
    answer for this game.
    """
    game = await load_game(session, game_id, lock=True)
    if lineups.find(game, discord_id) is None:
        await session.commit()
        raise NotJoined("not signed up for this game")
    return await _answer(session, game, discord_id, "", rsvp.Response.DECLINED)

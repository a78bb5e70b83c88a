"""The quorum check as `up` runs it (no Celery), on SQLite and PostgreSQL: each step once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.domain.quorum import QuorumState, Step
from game_scheduler.domain.rsvp import Response
from game_scheduler.models import Game, GameStatus, OutboxEvent, Participant, User, utcnow
from game_scheduler.scheduler.services.quorum_checks import (
    check_quorums,
    find_quorum_candidates,
    stage_quorum_steps,
)
from game_scheduler.services import games, signups
from tests.support.factories import HOST_ID, create_game, member, player_id, seed_channel
from tests.support.members import seed_member


async def posted_game(players: int, deadline: int, **guild: object) -> int:
    await seed_channel(**guild)
    game = await create_game(minutes_ahead=180, max_players=4, min_players=2)
    people = [player_id() for _ in range(players)]
    await seed_member(*people)
    for discord_id in people:
        async with get_db_session() as session:
            await signups.add_player(session, member(HOST_ID), game.id, discord_id)
    async with get_db_session() as session:
        await session.execute(
            update(Game)
            .where(Game.id == game.id)
            .values(quorum_deadline_minutes=deadline, created_at=utcnow() - timedelta(days=1))
        )
        await session.commit()
    return game.id


def run_check() -> dict[Step, int]:
    with get_sync_db_session() as session:
        return dict(check_quorums(session, utcnow()))


def staged(event_type: str) -> list[dict]:
    with get_sync_db_session() as session:
        return list(
            session.scalars(select(OutboxEvent.payload).where(OutboxEvent.event_type == event_type))
        )


async def test_a_short_game_is_cancelled_once_however_often_the_check_runs(db_url):
    game_id = await posted_game(1, deadline=190, quorum_action="cancel")
    assert run_check() == {Step.CANCEL: 1}
    assert run_check() == {}
    with get_sync_db_session() as session:
        game = session.get(Game, game_id)
        assert game is not None
        assert (game.status, game.quorum_state) == (GameStatus.CANCELLED, QuorumState.CANCELLED)
    assert len(staged("game.cancelled")) == 1
    kinds = [p["data"]["kind"] for p in staged("notification.send_dm")]
    assert kinds.count("quorum_cancelled") == 2  # the host and the one player


async def test_a_quorum_cancellation_tells_maybe_players_too_but_not_those_who_cannot_come(
    db_url,
):
    game_id = await posted_game(1, deadline=190, quorum_action="cancel")
    maybe, declined = player_id(), player_id()
    await seed_member(maybe, declined)
    for discord_id, answer in ((maybe, Response.MAYBE), (declined, Response.DECLINED)):
        async with get_db_session() as session:
            await signups.respond(session, member(discord_id), game_id, answer)
    assert run_check() == {Step.CANCEL: 1}  # a maybe does not count toward the quorum
    told = {
        int(p["data"]["recipient_discord_id"])
        for p in staged("notification.send_dm")
        if p["data"]["kind"] == "quorum_cancelled"
    }
    assert maybe in told
    assert declined not in told
    assert len(told) == 3  # the host, the one player and the maybe


async def test_the_nudge_is_staged_once_and_the_deadline_is_left_for_later(db_url):
    game_id = await posted_game(1, deadline=60)
    assert run_check() == {Step.NUDGE: 1}
    assert run_check() == {}  # nudged, deadline ahead: not even locked again
    [nudge] = staged("game.quorum_nudged")
    assert nudge["data"]["needed"] == 1
    with get_sync_db_session() as session:
        game = session.get(Game, game_id)
        assert game is not None
        assert game.quorum_state is None


async def test_games_without_a_deadline_are_not_even_looked_at(db_url):
    await posted_game(0, deadline=0)
    assert run_check() == {}
    assert staged("game.quorum_nudged") == []


async def test_a_run_killed_before_its_commit_leaves_the_game_to_the_next_run(db_url):
    await posted_game(2, deadline=190)
    with get_sync_db_session() as session:
        due = find_quorum_candidates(session, utcnow())
        assert stage_quorum_steps(session, due, utcnow()) == {Step.MARK_ON: 1}
        session.rollback()  # the process died here: nothing of that run remains
    assert staged("game.quorum_met") == []
    assert run_check() == {Step.MARK_ON: 1}
    assert run_check() == {}
    assert len(staged("game.quorum_met")) == 1
    kinds = [p["data"]["kind"] for p in staged("notification.send_dm")]
    assert kinds.count("quorum_on") == 3  # the host and the two players, once each


async def test_a_game_moved_a_week_on_is_checked_again_at_its_new_deadline(db_url):
    game_id = await posted_game(2, deadline=190, quorum_action="cancel")
    assert run_check() == {Step.MARK_ON: 1}
    async with get_db_session() as session:
        game = await session.get(Game, game_id)
        assert game is not None
        later = game.scheduled_at + timedelta(days=7)
    async with get_db_session() as session:
        await games.update_game(
            session, member(HOST_ID), game_id, games.GameChanges(scheduled_at=later)
        )
    with get_sync_db_session() as session:
        leaving = session.scalars(
            select(User.discord_id)
            .join(Participant, Participant.user_id == User.id)
            .where(Participant.game_id == game_id)
        ).first()
    assert leaving is not None
    async with get_db_session() as session:
        await signups.leave_game(session, member(leaving), game_id)  # now one short
    assert run_check() == {}  # the new deadline is a week away
    with get_sync_db_session() as session:
        assert session.get(Game, game_id).quorum_state is None  # type: ignore[union-attr]
        assert dict(check_quorums(session, later - timedelta(minutes=189))) == {Step.CANCEL: 1}

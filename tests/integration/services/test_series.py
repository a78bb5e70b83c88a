"""Series edits: one occurrence, this and following (a split), and ending a series."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.domain.series import starts_between, zone_of
from game_scheduler.models import Game, GameSeries, GameStatus, Participant, User, utcnow
from game_scheduler.scheduler.services.series import materialise_all
from game_scheduler.services import games, series_split, signups
from game_scheduler.services import series as series_service
from tests.support.factories import HOST_ID, member, player_id, seed_channel
from tests.support.series import KeepingPublisher, create_weekly

HOST = member(HOST_ID)


def materialise(days_ahead: int = 7) -> None:
    with get_sync_db_session() as session:
        materialise_all(session, utcnow() + timedelta(days=days_ahead), KeepingPublisher())


def series_games() -> list[Game]:
    with get_sync_db_session() as session:
        return list(session.scalars(select(Game).order_by(Game.occurrence_start, Game.id)))


def roster(game_id: int) -> list[int]:
    with get_sync_db_session() as session:
        return list(
            session.scalars(
                select(User.discord_id)
                .join(Participant, Participant.user_id == User.id)
                .where(Participant.game_id == game_id)
                .order_by(Participant.position)
            )
        )


async def three_weeks_with_players() -> tuple[GameSeries, list[Game], list[int]]:
    await seed_channel()
    plan, _ = await create_weekly(hours_ahead=24)
    materialise(days_ahead=7)  # +1, +8 and +15 days
    made = series_games()
    assert len(made) == 3
    players = [player_id() for _ in made]
    for game, discord_id in zip(made, players, strict=True):
        async with get_db_session() as session:
            await signups.join_game(session, member(discord_id), game.id)
    return plan, made, players


async def test_this_and_following_splits_and_keeps_earlier_games_and_rosters(db_url):
    plan, (first, second, third), players = await three_weeks_with_players()
    async with get_db_session() as session:
        await series_split.update_following(
            session,
            HOST,
            second.id,
            games.GameChanges(
                title="New campaign", scheduled_at=second.scheduled_at + timedelta(hours=1)
            ),
        )
    after = {g.id: g for g in series_games()}
    assert after[first.id].series_id == plan.id
    assert after[first.id].title == "Tuesday D&D"
    assert after[first.id].scheduled_at == first.scheduled_at
    assert roster(first.id) == players[:1]
    new_series = {after[second.id].series_id, after[third.id].series_id}
    assert len(new_series) == 1
    assert new_series != {plan.id}
    for old in (second, third):
        moved = after[old.id]
        assert moved.title == "New campaign"
        assert moved.scheduled_at == old.scheduled_at + timedelta(hours=1)
        assert moved.occurrence_start == moved.scheduled_at
    assert roster(second.id) == players[1:2]
    assert roster(third.id) == players[2:]
    with get_sync_db_session() as session:
        old_plan = session.get(GameSeries, plan.id)
        assert old_plan is not None
        zone = zone_of(old_plan.zone)
        kept = starts_between(
            old_plan.rrule,
            old_plan.first_start,
            zone,
            old_plan.first_start - timedelta(1),
            old_plan.first_start + timedelta(days=60),
        )
    assert kept == [first.occurrence_start]
    materialise(days_ahead=7)
    assert len(series_games()) == 3  # nothing made twice, old series made nothing after the split


async def test_this_occurrence_moves_one_game_and_it_is_not_made_again(db_url):
    _, (_, second, _), _ = await three_weeks_with_players()
    async with get_db_session() as session:
        await games.update_game(
            session,
            HOST,
            second.id,
            games.GameChanges(scheduled_at=second.scheduled_at + timedelta(hours=2)),
        )
    materialise(days_ahead=7)
    after = {g.id: g for g in series_games()}
    assert len(after) == 3
    assert after[second.id].occurrence_start == second.occurrence_start
    assert after[second.id].scheduled_at == second.scheduled_at + timedelta(hours=2)


async def test_ending_a_series_cancels_its_coming_games_and_makes_no_more(db_url):
    plan, made, _ = await three_weeks_with_players()
    async with get_db_session() as session:
        cancelled = await series_service.end_series(session, HOST, plan.id)
    assert sorted(cancelled) == sorted(g.id for g in made)
    assert {g.status for g in series_games()} == {GameStatus.CANCELLED}
    materialise(days_ahead=14)
    assert len(series_games()) == 3

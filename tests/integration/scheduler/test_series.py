"""materialise_series: the window's occurrences as real games, once each, carry-over told by DM."""

from __future__ import annotations

import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.domain.notices import DmKind
from game_scheduler.domain.series import CarryMode
from game_scheduler.messaging.events import EventType, SendDm
from game_scheduler.models import Game, GameSeries, Participant, Reminder, User, utcnow
from game_scheduler.scheduler.celery_app import MATERIALISE_SERIES
from game_scheduler.scheduler.services.series import insert_occurrence, materialise_all
from game_scheduler.services import members, signups
from tests.integration.scheduler.conftest import wait_for
from tests.support.factories import GUILD_ID, member, player_id, seed_channel
from tests.support.series import KeepingPublisher, create_weekly

BERLIN = ZoneInfo("Europe/Berlin")


def occurrences(series_id: int) -> list[Game]:
    with get_sync_db_session() as session:
        return list(
            session.scalars(
                select(Game).where(Game.series_id == series_id).order_by(Game.occurrence_start)
            )
        )


async def test_the_window_is_materialised_once_with_reminders_and_announcements(db_url):
    await seed_channel()
    plan, first_id = await create_weekly(hours_ahead=24)
    publisher = KeepingPublisher()
    now = utcnow()
    with get_sync_db_session() as session:
        made = materialise_all(session, now, publisher)
    games = occurrences(plan.id)
    # First game (posted with the series) + the next: 1 and 8 days ahead fill 14 days.
    assert games[0].id == first_id
    assert len(games) == 2
    assert len(made) == 1
    second = games[1]
    assert second.occurrence_start == second.scheduled_at
    first_local, second_local = (g.scheduled_at.astimezone(BERLIN) for g in games)
    assert second_local.date() - first_local.date() == timedelta(days=7)
    assert second_local.time() == first_local.time()
    assert (second.title, second.max_players) == ("Tuesday D&D", 4)
    created = [e for e in publisher.envelopes if e.event_type is EventType.GAME_CREATED]
    assert [e.data["game_id"] for e in created] == [second.id]
    with get_sync_db_session() as session:
        offsets = session.scalars(
            select(Reminder.offset_minutes).where(Reminder.game_id == second.id)
        ).all()
    assert sorted(offsets) == [15, 60]
    with get_sync_db_session() as session:
        assert materialise_all(session, now, publisher) == []
    assert len(occurrences(plan.id)) == 2


@pytest.mark.postgres_only
async def test_two_runs_at_once_make_each_occurrence_once(pg_db_url):
    await seed_channel()
    plans = [(await create_weekly(hours_ahead=2, weekdays=("MO", "TH")))[0] for _ in range(3)]
    now = utcnow()
    barrier = threading.Barrier(2)
    made: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            with get_sync_db_session() as session:
                made.extend(m.game_id for m in materialise_all(session, now, KeepingPublisher()))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(made) == len(set(made)) > 0
    for plan in plans:
        starts = [g.occurrence_start for g in occurrences(plan.id)]
        assert len(starts) == len(set(starts)) >= 4  # twice a week over 14 days


async def test_carry_over_pre_confirms_the_last_players_and_tells_them(db_url):
    await seed_channel()
    plan, first_id = await create_weekly(hours_ahead=24, carry=CarryMode.CARRY, max_players=2)
    players = [player_id() for _ in range(3)]
    for discord_id in players:  # two confirmed, one waitlisted
        async with get_db_session() as session:
            await signups.join_game(session, member(discord_id), first_id)
    publisher = KeepingPublisher()
    with get_sync_db_session() as session:
        materialise_all(session, utcnow(), publisher)
    second = occurrences(plan.id)[1]
    assert roster_of(second.id) == players[:2]
    dms = [
        SendDm.model_validate(e.data)
        for e in publisher.envelopes
        if e.event_type is EventType.SEND_DM
    ]
    assert sorted(int(d.recipient_discord_id) for d in dms) == sorted(players[:2])
    assert {(d.kind, d.game_id) for d in dms} == {(DmKind.CARRIED_OVER, second.id)}


async def test_a_player_who_left_the_server_is_not_carried(db_url):
    await seed_channel()
    plan, first_id = await create_weekly(hours_ahead=24, carry=CarryMode.CARRY, max_players=3)
    stays, leaves = player_id(), player_id()
    for discord_id in (stays, leaves):
        async with get_db_session() as session:
            await signups.join_game(session, member(discord_id), first_id)
    async with get_db_session() as session:
        user_id = await session.scalar(select(User.id).where(User.discord_id == leaves))
        await members.record_left(session, user_id, GUILD_ID, utcnow())
        await session.commit()
    with get_sync_db_session() as session:
        materialise_all(session, utcnow(), KeepingPublisher())
    assert roster_of(occurrences(plan.id)[1].id) == [stays]


def roster_of(game_id: int) -> list[int]:
    with get_sync_db_session() as session:
        return list(
            session.execute(
                select(User.discord_id)
                .join(Participant, Participant.user_id == User.id)
                .where(Participant.game_id == game_id)
                .order_by(Participant.position)
            ).scalars()
        )


@pytest.mark.postgres_only
async def test_the_unique_key_stops_a_second_insert_that_passed_no_lock(pg_db_url):
    await seed_channel()
    plan, _ = await create_weekly(hours_ahead=24)
    start = utcnow().replace(microsecond=0) + timedelta(days=8)
    now = utcnow()
    second_result: list[int | None] = []
    with get_sync_db_session() as first, get_sync_db_session() as second:
        row = first.get(GameSeries, plan.id)
        assert row is not None
        made = insert_occurrence(first, row, start, now)
        assert made is not None
        other = second.get(GameSeries, plan.id)
        # Whether it waits on the uncommitted row or comes after the commit: nothing inserted.
        racer = threading.Thread(
            target=lambda: second_result.append(insert_occurrence(second, other, start, now))
        )
        racer.start()
        first.commit()
        racer.join(30)
        second.commit()
    assert second_result == [None]
    assert [g.occurrence_start for g in occurrences(plan.id)].count(start) == 1


@pytest.mark.postgres_only
async def test_the_task_runs_on_a_real_worker(pg_db_url, celery_app, worker):
    await seed_channel()
    plan, _ = await create_weekly(hours_ahead=24)
    celery_app.send_task(MATERIALISE_SERIES)

    def two_occurrences() -> bool:
        with get_sync_db_session() as session:
            count = session.scalar(
                select(func.count()).select_from(Game).where(Game.series_id == plan.id)
            )
        return count == 2

    wait_for(two_occurrences)


async def test_a_series_that_cannot_be_expanded_does_not_hold_back_the_others(db_url):
    await seed_channel()
    broken, _ = await create_weekly(hours_ahead=24)
    good, _ = await create_weekly(hours_ahead=30)
    with get_sync_db_session() as session:
        row = session.get(GameSeries, broken.id)
        assert row is not None
        row.rrule = "FREQ=SOMETIMES"  # written before the rules refused it, say
        session.commit()
    with get_sync_db_session() as session:
        made = materialise_all(session, utcnow(), KeepingPublisher())
    assert [m.series_id for m in made] == [good.id]
    assert len(occurrences(good.id)) == 2

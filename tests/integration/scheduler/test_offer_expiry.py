"""Lapsed seat offers on PostgreSQL: the Celery task, two runs racing, a worker killed mid-expiry.

Each case asserts the guarantee of the issue: every lapsed offer is expired exactly once (one
``offer_lapsed`` DM, one new offer to the next player per game), whatever ran it.
"""

import os
import signal
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.events import DmKind, Envelope, EventType
from game_scheduler.models import Game, OutboxEvent, Participant, SeatOffer, User, utcnow
from game_scheduler.scheduler.services.offer_expiry import expire_lapsed_offers
from game_scheduler.scheduler.tasks.expire_offers import expire_seat_offers
from tests.integration.scheduler.conftest import collect, wait_for
from tests.support.amqp import tap
from tests.support.scheduler_processes import children, worker_process
from tests.support.seeding import SeededGame, seed_games

pytestmark = [pytest.mark.postgres_only]


def seed_lapsed_offers(count: int) -> list[SeededGame]:
    """Games of one seat in offer mode whose seated player holds a seat offer that just lapsed."""
    now = utcnow()
    with get_sync_db_session() as session:
        seeded = seed_games(session, [now + timedelta(hours=3)] * count, players=1, waitlisted=2)
        ids = [g.game_id for g in seeded]
        session.execute(update(Game).where(Game.id.in_(ids)).values(seat_mode="offer"))
        seated = session.execute(
            select(Participant.id, Participant.game_id, User.discord_id)
            .join(User, User.id == Participant.user_id)
            .where(Participant.game_id.in_(ids), Participant.position == 1)
        ).all()
        session.execute(
            insert(SeatOffer),
            [
                {
                    "game_id": game_id,
                    "participant_id": participant_id,
                    "user_discord_id": discord_id,
                    "kind": "seat",
                    "offered_at": now - timedelta(minutes=31),
                    "expires_at": now - timedelta(seconds=1),
                }
                for participant_id, game_id, discord_id in seated
            ],
        )
        session.commit()
    return seeded


def open_offers() -> int:
    with get_sync_db_session() as session:
        return session.scalar(
            select(func.count()).select_from(SeatOffer).where(SeatOffer.resolved_at.is_(None))
        )


def expired_offers() -> int:
    with get_sync_db_session() as session:
        return session.scalar(
            select(func.count()).select_from(SeatOffer).where(SeatOffer.outcome == "expired")
        )


def staged_dms() -> Counter[tuple[int, str]]:
    with get_sync_db_session() as session:
        rows = session.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.event_type == EventType.SEND_DM.value)
        ).all()
    dms = [Envelope.model_validate(p).data for p in rows]
    return Counter((int(d["recipient_discord_id"]), d["kind"]) for d in dms)


def assert_each_expired_once(seeded: list[SeededGame]) -> None:
    """One lapse DM to the seated player and one offer to the next, per game; nothing else."""
    expected = Counter()
    for game in seeded:
        expected[(game.confirmed[0], DmKind.OFFER_LAPSED.value)] += 1
        expected[(game.waitlisted[0], DmKind.SEAT_OFFER.value)] += 1
    assert staged_dms() == expected
    with get_sync_db_session() as session:
        holders = session.execute(
            select(SeatOffer.game_id, SeatOffer.user_discord_id).where(
                SeatOffer.resolved_at.is_(None)
            )
        ).all()
    assert sorted(holders) == sorted((g.game_id, g.waitlisted[0]) for g in seeded)


def test_the_task_on_a_worker_offers_the_seat_to_the_next(celery_app, worker, rabbitmq_url):
    [game] = seed_lapsed_offers(1)
    with tap(rabbitmq_url, "notification.send_dm") as t:
        expire_seat_offers.delay()
        received = collect(t, expected=2, timeout=30, quiet=1)
    dms = [e.payload() for _, e in received]
    assert [(int(d.recipient_discord_id), d.kind) for d in dms] == [
        (game.confirmed[0], DmKind.OFFER_LAPSED),
        (game.waitlisted[0], DmKind.SEAT_OFFER),
    ]
    assert dms[1].offer_id is not None
    assert_each_expired_once([game])


def test_two_runs_racing_expire_each_offer_once(celery_app):
    seeded = seed_lapsed_offers(40)
    start = threading.Barrier(2)
    totals: list[int] = []

    def run() -> None:
        start.wait()
        with get_sync_db_session() as session:
            totals.append(expire_lapsed_offers(session, utcnow()))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(totals) == 40
    assert_each_expired_once(seeded)


@pytest.mark.slow
def test_worker_killed_mid_expiry_loses_nothing_and_repeats_nothing(celery_app, tmp_path):
    count = 150
    seeded = seed_lapsed_offers(count)
    with worker_process(tmp_path / "worker.log", "victim", pool="prefork") as worker:
        [child] = children(worker.pid)
        expire_seat_offers.delay()
        wait_for(lambda: expired_offers() > 0, timeout=60, step=0.005)
        os.kill(child, signal.SIGKILL)
        at_kill = expired_offers()
        # The task is requeued (acks late, reject on worker lost); beat would also run it again.
        wait_for(lambda: expired_offers() == count, timeout=90)
    assert 0 < at_kill < count
    assert "WorkerLostError" in (tmp_path / "worker.log").read_text()
    assert_each_expired_once(seeded)
    assert open_offers() == count

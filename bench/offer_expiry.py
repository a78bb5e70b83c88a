"""How late seat offers lapse: offers expiring over one minute, with a worker and beat running.

Seeds ``--games`` games of one seat in offer mode (default 300), each with a seated player whose
seat offer expires at a moment spread over one minute, plus two waitlisted players. With one
worker process (prefork, concurrency 1) and ``game-scheduler beat`` at the default intervals
(``expire_seat_offers`` every ``OFFER_EXPIRY_INTERVAL`` = 1 s), measures per offer the confirmed
publish time of its ``offer_lapsed`` DM (the outbox row's ``published_at``) minus ``expires_at``.

Ends with ``offer expiry lateness p99: X.XX s`` (goal < 2). Makes and removes its own PostgreSQL
database and RabbitMQ vhost (needs ``rabbitmqctl``); ``bench/scheduler.py`` can call
:func:`offer_lateness` with its own database, vhost and log directory.

    python bench/offer_expiry.py [--games 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: bench/ and tests/support/ are importable

from sqlalchemy import func, insert, select, text, update  # noqa: E402
from tests.support.seeding import seed_games  # noqa: E402

from bench.messaging import (  # noqa: E402
    queued,
)
from bench.scheduler import percentile, scheduler_bench, scheduler_running  # noqa: E402
from game_scheduler import database  # noqa: E402
from game_scheduler.models import Game, OutboxEvent, Participant, SeatOffer, User, utcnow  # noqa: E402
from game_scheduler.scheduler.celery_app import app  # noqa: E402


def seed_offers(games: int) -> None:
    """Games whose seated player's offer expires 30 to 90 s from now, evenly spread."""
    now = utcnow()
    with database.get_sync_db_session() as session:
        seeded = seed_games(session, [now + timedelta(hours=3)] * games, players=1, waitlisted=2)
        ids = [g.game_id for g in seeded]
        session.execute(update(Game).where(Game.id.in_(ids)).values(seat_mode="offer"))
        seated = session.execute(
            select(Participant.id, Participant.game_id, User.discord_id)
            .join(User, User.id == Participant.user_id)
            .where(Participant.game_id.in_(ids), Participant.position == 1)
            .order_by(Participant.game_id)
        ).all()
        session.execute(
            insert(SeatOffer),
            [
                {
                    "game_id": game_id,
                    "participant_id": participant_id,
                    "user_discord_id": discord_id,
                    "kind": "seat",
                    "offered_at": now,
                    "expires_at": now + timedelta(seconds=30 + 60 * i / games),
                }
                for i, (participant_id, game_id, discord_id) in enumerate(seated)
            ],
        )
        session.commit()


def expired_count() -> int:
    with database.get_sync_db_session() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(SeatOffer).where(SeatOffer.outcome == "expired")
            )
            or 0
        )


def lapse_lateness() -> list[float]:
    """Per lapsed offer: its offer_lapsed DM's confirmed publish time minus expires_at, sorted."""
    with database.get_sync_db_session() as session:
        expires = dict(
            session.execute(
                select(SeatOffer.game_id, SeatOffer.expires_at).where(
                    SeatOffer.outcome == "expired"
                )
            ).all()
        )
        rows = session.execute(
            select(OutboxEvent.payload, OutboxEvent.published_at).where(
                OutboxEvent.event_type == "notification.send_dm"
            )
        ).all()
    late = []
    for payload, published_at in rows:
        data = payload["data"]
        if data["kind"] == "offer_lapsed" and published_at is not None:
            late.append((published_at - expires[data["game_id"]]).total_seconds())
    return sorted(late)


def offer_lateness(amqp_url: str, games: int, logs: Path) -> list[float]:
    """Seed, run a worker and beat until every offer lapsed and was published; the lateness."""
    with database.get_sync_db_session() as session:
        session.execute(
            text("TRUNCATE outbox, seat_offer, participant, game, user_account CASCADE")
        )
        session.commit()
    queued(amqp_url)
    seed_offers(games)
    with scheduler_running(logs, "offers"):
        deadline = time.monotonic() + 300
        while len(lapse_lateness()) < games and time.monotonic() < deadline:
            time.sleep(1)
    return lapse_lateness()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=300)
    args = parser.parse_args()
    with scheduler_bench() as (amqp_url, logs):
        late = offer_lateness(amqp_url, args.games, logs)
        expired = expired_count()
        app.close()
    print(f"offers lapsed: {expired} of {args.games}; lapse DMs published: {len(late)}")
    print(
        f"offer expiry lateness over {len(late)} offers: p50 {percentile(late, 50):.2f} s, "
        f"p99 {percentile(late, 99):.2f} s, max {late[-1]:.2f} s"
    )
    print(f"offer expiry lateness p99: {percentile(late, 99):.2f} s")


if __name__ == "__main__":
    main()

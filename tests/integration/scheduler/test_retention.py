"""Retention deletes only what is old and delivered: never an event still to publish."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from game_scheduler.database import get_sync_db_session
from game_scheduler.models import DmDelivery, OutboxEvent, ProcessedEvent, utcnow
from game_scheduler.scheduler.celery_app import PURGE_OLD_ROWS, beat_schedule
from game_scheduler.scheduler.services.retention import purge_old_rows


def outbox_row(name: str, created_days_ago: float, **marks: float) -> OutboxEvent:
    now = utcnow()
    return OutboxEvent(
        event_id=name,
        event_type="game.created",
        payload={},
        created_at=now - timedelta(days=created_days_ago),
        **{column: now - timedelta(days=days) for column, days in marks.items()},
    )


def test_only_old_published_rows_and_old_records_are_deleted(db_url):
    with get_sync_db_session() as session:
        session.add_all(
            [
                *(outbox_row(f"old-published-{n}", 40, published_at=40) for n in range(5)),
                outbox_row("recent-published", 40, published_at=1),
                outbox_row("old-unpublished", 40),
                outbox_row("old-failed", 40, failed_at=40),
                *(
                    ProcessedEvent(event_id=f"old-{n}", handled_at=utcnow() - timedelta(days=31))
                    for n in range(3)
                ),
                ProcessedEvent(event_id="recent", handled_at=utcnow() - timedelta(days=29)),
                *(
                    DmDelivery(
                        event_id=str(uuid.uuid4()),
                        recipient_discord_id=1,
                        kind="reminder",
                        route=f"dm-{days}",
                        created_at=utcnow() - timedelta(days=days),
                    )
                    for days in (45, 31, 2)
                ),
            ]
        )
        session.commit()
        purged = purge_old_rows(session, utcnow(), days=30, batch=2)
        assert (purged.outbox, purged.processed_event, purged.dm_delivery) == (5, 3, 2)
        assert set(session.scalars(select(OutboxEvent.event_id))) == {
            "recent-published",
            "old-unpublished",
            "old-failed",
        }
        assert list(session.scalars(select(ProcessedEvent.event_id))) == ["recent"]
        assert list(session.scalars(select(DmDelivery.route))) == ["dm-2"]
        # A second run finds nothing more.
        again = purge_old_rows(session, utcnow(), days=30, batch=2)
        assert (again.outbox, again.processed_event, again.dm_delivery) == (0, 0, 0)


def test_beat_runs_retention_on_its_interval(configure):
    settings = configure(retention_interval="1800", retention_days="7")
    entry = beat_schedule(settings)[PURGE_OLD_ROWS]
    assert entry["schedule"] == timedelta(seconds=1800)
    assert settings.retention_days == 7

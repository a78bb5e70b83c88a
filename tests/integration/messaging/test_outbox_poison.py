"""Poison outbox rows: set aside once, counted, and never in the way of valid rows."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import insert, select

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.relay import count_set_aside, relay_outbox
from game_scheduler.messaging.sync_publisher import PublishError, SyncPublisher
from game_scheduler.models import OutboxEvent, utcnow
from tests.support.amqp import tap
from tests.support.events import send_dm


def seed(payloads: Sequence[tuple[str, dict[str, object]]]) -> None:
    """Unpublished rows (event id, payload) created a minute ago, in this order."""
    created = utcnow() - timedelta(minutes=1)
    with get_sync_db_session() as session:
        session.execute(
            insert(OutboxEvent),
            [
                {"event_id": eid, "event_type": "game.created", "payload": p, "created_at": created}
                for eid, p in payloads
            ],
        )
        session.commit()


def valid(count: int) -> list[tuple[str, dict[str, object]]]:
    return [
        (str(e.event_id), e.model_dump(mode="json")) for e in (send_dm(n) for n in range(count))
    ]


def rows_by_event() -> dict[str, OutboxEvent]:
    with get_sync_db_session() as session:
        return {row.event_id: row for row in session.scalars(select(OutboxEvent))}


def test_a_poison_row_among_a_thousand_is_set_aside_and_all_valid_ones_published(
    db_url, rabbitmq_url, caplog
):
    good = valid(1000)
    seed([*good[:400], ("poison", {"garbage": True}), *good[400:]])
    publisher = SyncPublisher(rabbitmq_url)
    with caplog.at_level(logging.ERROR), tap(rabbitmq_url) as t, get_sync_db_session() as session:
        assert relay_outbox(session, publisher, min_age_seconds=0) == 1000
        assert relay_outbox(session, publisher, min_age_seconds=0) == 0
        received = Counter(t.message_ids())
        assert count_set_aside(session) == 1
    publisher.close()
    assert set(received) == {eid for eid, _ in good}
    assert max(received.values()) == 1
    rows = rows_by_event()
    poison = rows.pop("poison")
    assert poison.published_at is None
    assert poison.failed_at is not None
    assert "invalid envelope" in (poison.last_error or "")
    assert all(row.published_at is not None for row in rows.values())
    # Logged once, not on every relay run.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "set aside" in errors[0].getMessage()


def test_a_batch_made_only_of_poison_rows_does_not_stop_the_run(db_url, rabbitmq_url):
    good = valid(5)
    seed([*((f"poison-{n}", {"n": n}) for n in range(10)), *good])
    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t, get_sync_db_session() as session:
        assert relay_outbox(session, publisher, batch_size=5, min_age_seconds=0) == 5
        assert t.message_ids() == [eid for eid, _ in good]
        assert count_set_aside(session) == 10
    publisher.close()


class RefusingPublisher:
    """Takes every envelope but one, which the broker refuses for good."""

    def __init__(self, refused: str) -> None:
        self.refused = refused
        self.published: list[str] = []

    def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        if any(str(e.event_id) == self.refused for e in envelopes):
            raise PublishError("406 PRECONDITION_FAILED message too large", permanent=True)
        self.published += [str(e.event_id) for e in envelopes]


def test_a_row_the_broker_refuses_for_good_is_set_aside_and_the_rest_published(db_url):
    good = valid(20)
    seed(good)
    publisher = RefusingPublisher(refused=good[7][0])
    with get_sync_db_session() as session:
        assert relay_outbox(session, publisher, min_age_seconds=0) == 19
        assert relay_outbox(session, publisher, min_age_seconds=0) == 0
    assert publisher.published == [eid for eid, _ in good if eid != good[7][0]]
    refused = rows_by_event()[good[7][0]]
    assert refused.failed_at is not None
    assert refused.published_at is None
    assert "refused by the broker" in (refused.last_error or "")


class DownPublisher:
    def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        raise PublishError("cannot reach RabbitMQ")


def test_an_unreachable_broker_sets_nothing_aside(db_url):
    seed(valid(3))
    with get_sync_db_session() as session:
        assert relay_outbox(session, DownPublisher(), min_age_seconds=0) == 0
        assert count_set_aside(session) == 0
    assert all(r.failed_at is None and r.attempts == 1 for r in rows_by_event().values())

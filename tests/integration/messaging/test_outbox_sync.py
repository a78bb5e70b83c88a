"""The sync outbox: nothing lost while RabbitMQ is down, nothing published twice by relays."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.outbox import commit_and_publish_sync, stage
from game_scheduler.messaging.relay import relay_outbox
from game_scheduler.messaging.sync_publisher import SyncPublisher
from game_scheduler.models import OutboxEvent, utcnow
from tests.support.amqp import tap
from tests.support.events import send_dm

DOWN = "amqp://guest:guest@127.0.0.1:1/"


def outbox_rows():
    with get_sync_db_session() as session:
        return session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()


def test_fast_path_publishes_and_marks(db_url, rabbitmq_url):
    envelope = send_dm()
    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t, get_sync_db_session() as session:
        stage(session, envelope)
        assert commit_and_publish_sync(session, publisher) == [envelope]
        assert t.message_ids() == [str(envelope.event_id)]
    publisher.close()
    [row] = outbox_rows()
    assert row.published_at is not None


def test_event_survives_a_broker_outage_and_is_relayed_exactly_once(db_url, rabbitmq_url, caplog):
    envelope = send_dm()
    with get_sync_db_session() as session:
        stage(session, envelope)
        commit_and_publish_sync(session, SyncPublisher(DOWN))
    assert "the outbox relay will retry" in caplog.text
    [row] = outbox_rows()
    assert row.published_at is None

    with get_sync_db_session() as session:
        assert relay_outbox(session, SyncPublisher(DOWN), min_age_seconds=0) == 0
    [row] = outbox_rows()
    assert (row.published_at, row.attempts) == (None, 1)
    assert "cannot reach RabbitMQ" in (row.last_error or "")

    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t, get_sync_db_session() as session:
        assert relay_outbox(session, publisher, min_age_seconds=0) == 1
        assert relay_outbox(session, publisher, min_age_seconds=0) == 0
        assert t.message_ids() == [str(envelope.event_id)]
    publisher.close()
    [row] = outbox_rows()
    assert row.published_at is not None


def test_relay_leaves_young_rows_to_the_writer(db_url, rabbitmq_url):
    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t, get_sync_db_session() as session:
        stage(session, send_dm())
        session.commit()
        assert relay_outbox(session, publisher, min_age_seconds=60) == 0
        assert t.drain() == []
    publisher.close()


def seed_outbox(count: int) -> list[str]:
    """Unpublished rows created a minute ago, oldest first; their event ids."""
    envelopes = [send_dm(n) for n in range(count)]
    created = utcnow() - timedelta(minutes=1)
    with get_sync_db_session() as session:
        session.execute(
            insert(OutboxEvent),
            [
                {
                    "event_id": str(e.event_id),
                    "event_type": e.event_type.value,
                    "payload": e.model_dump(mode="json"),
                    "created_at": created,
                }
                for e in envelopes
            ],
        )
        session.commit()
    return [str(e.event_id) for e in envelopes]


def test_relay_publishes_oldest_first_in_batches(db_url, rabbitmq_url):
    ids = seed_outbox(120)
    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t, get_sync_db_session() as session:
        assert relay_outbox(session, publisher, batch_size=50, max_batches=2) == 100
        assert relay_outbox(session, publisher, batch_size=50) == 20
        assert t.message_ids() == ids
    publisher.close()


@pytest.mark.postgres_only
def test_two_racing_relays_publish_each_row_exactly_once(pg_db_url, rabbitmq_url):
    ids = seed_outbox(1000)
    start = threading.Barrier(2)
    counts: list[int] = []

    def relay() -> None:
        publisher = SyncPublisher(rabbitmq_url)
        with get_sync_db_session() as session:
            start.wait()
            counts.append(relay_outbox(session, publisher, batch_size=25, min_age_seconds=0))
        publisher.close()

    with tap(rabbitmq_url) as t:
        threads = [threading.Thread(target=relay) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        received = Counter(t.message_ids())
    assert sum(counts) == 1000
    assert set(received) == set(ids)
    assert max(received.values()) == 1
    assert all(row.published_at is not None for row in outbox_rows())


def test_a_row_without_a_valid_envelope_is_kept_and_does_not_block_the_rest(db_url, rabbitmq_url):
    [good] = seed_outbox(1)
    with get_sync_db_session() as session:
        session.add(
            OutboxEvent(
                event_id="not-an-event",
                event_type="game.created",
                payload={"garbage": True},
                created_at=utcnow() - timedelta(minutes=1),
            )
        )
        session.commit()
    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t, get_sync_db_session() as session:
        assert relay_outbox(session, publisher, min_age_seconds=0) == 1
        assert t.message_ids() == [good]
    publisher.close()
    bad = next(row for row in outbox_rows() if row.event_id == "not-an-event")
    assert (bad.published_at, bad.attempts) == (None, 1)
    assert bad.failed_at is not None
    assert "invalid envelope" in (bad.last_error or "")

"""The relay publishes an outbox row's stored text: the same bytes the writer would have sent."""

import json
from datetime import timedelta

from sqlalchemy import text

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.outbox import stage, stage_many
from game_scheduler.messaging.relay import relay_outbox
from game_scheduler.messaging.sync_publisher import SyncPublisher
from game_scheduler.models import utcnow
from tests.support.amqp import tap
from tests.support.events import send_dm


def _relayed_bodies(rabbitmq_url):
    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t, get_sync_db_session() as session:
        assert relay_outbox(session, publisher, min_age_seconds=0) > 0
        bodies = {m.properties.message_id: m.body for m in t.drain()}
    publisher.close()
    return bodies


def test_rows_staged_either_way_are_relayed_byte_for_byte(db_url, rabbitmq_url):
    one, many = send_dm(1), [send_dm(n) for n in range(2, 5)]
    with get_sync_db_session() as session:
        stage(session, one)
        stage_many(session, many)
        session.commit()
    bodies = _relayed_bodies(rabbitmq_url)
    assert bodies == {str(e.event_id): e.to_bytes() for e in [one, *many]}


def test_a_row_stored_in_another_encoding_is_relayed_canonically(db_url, rabbitmq_url):
    envelope = send_dm()
    # As rows were stored before the canonical encoding: field order, spaces.
    legacy = json.dumps(envelope.model_dump(mode="json"))
    with get_sync_db_session() as session:
        stage(session, envelope)
        as_json = "CAST(:p AS JSON)" if session.get_bind().dialect.name == "postgresql" else ":p"
        session.execute(
            text(f"UPDATE outbox SET payload = {as_json}, created_at = :t"),
            {"p": legacy, "t": utcnow() - timedelta(minutes=1)},
        )
        session.commit()
    bodies = _relayed_bodies(rabbitmq_url)
    assert bodies == {str(envelope.event_id): envelope.to_bytes()}

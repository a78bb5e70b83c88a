"""The pika publisher against the real broker: delivery, properties, refusals and reconnects."""

import logging
import os

import pytest

from game_scheduler.messaging import topology
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.sync_publisher import (
    PublishError,
    SyncPublisher,
    get_sync_publisher,
    reset_sync_publisher,
)
from tests.support.amqp import close_connections, tap
from tests.support.events import send_dm


@pytest.fixture
def publisher(rabbitmq_url):
    publisher = SyncPublisher(rabbitmq_url)
    yield publisher
    publisher.close()


def test_published_envelope_arrives_with_its_properties(rabbitmq_url, publisher):
    envelope = send_dm()
    with tap(rabbitmq_url) as t:
        publisher.publish(envelope)
        [message] = t.drain()
    assert message.routing_key == "notification.send_dm"
    assert Envelope.from_bytes(message.body) == envelope
    assert message.body == envelope.to_bytes()
    props = message.properties
    assert props.content_type == "application/json"
    assert props.delivery_mode == 2
    assert props.message_id == str(envelope.event_id)
    assert props.type == "notification.send_dm"
    assert props.timestamp == int(envelope.occurred_at.timestamp())


def test_publish_many_delivers_every_envelope_in_order(rabbitmq_url, publisher):
    envelopes = [send_dm(n) for n in range(250)]
    with tap(rabbitmq_url) as t:
        publisher.publish_many(envelopes)
        assert t.message_ids() == [str(e.event_id) for e in envelopes]


def test_topology_routes_events_to_the_bot_queue(rabbitmq_url, publisher):
    with tap(rabbitmq_url, binding="no.match") as t:
        publisher.publish(send_dm())
        declared = t.channel.queue_declare(
            topology.BOT_QUEUE, durable=True, arguments=topology.BOT_QUEUE_ARGUMENTS
        )
        assert declared.method.message_count == 1


def test_unroutable_message_is_an_error(rabbitmq_url, publisher):
    publisher.publish(send_dm())
    with tap(rabbitmq_url) as t:
        t.channel.queue_delete(topology.BOT_QUEUE)
        t.channel.queue_delete(t.queue)
        with pytest.raises(PublishError, match="could not route 1 message"):
            publisher.publish(send_dm())
        topology.declare_with_pika(t.channel)


def test_broker_down_raises_a_clear_error():
    publisher = SyncPublisher("amqp://guest:guest@127.0.0.1:1/")
    with pytest.raises(PublishError, match=r"cannot reach RabbitMQ at 127\.0\.0\.1:1 "):
        publisher.publish(send_dm())


def test_wrong_password_is_refused_without_leaking_it(rabbitmq_url):
    publisher = SyncPublisher(rabbitmq_url.replace("guest:guest", "guest:s3cret-wrong"))
    with pytest.raises(PublishError, match="refused the credentials") as caught:
        publisher.publish(send_dm())
    assert "s3cret-wrong" not in str(caught.value)


def test_reconnects_once_when_the_broker_dropped_the_connection(rabbitmq_url, publisher, caplog):
    caplog.set_level(logging.INFO, logger="game_scheduler.messaging.sync_publisher")
    publisher.publish(send_dm())
    close_connections(rabbitmq_url)
    envelope = send_dm()
    with tap(rabbitmq_url) as t:
        t.drain()
        publisher.publish(envelope)
        assert t.message_ids() == [str(envelope.event_id)]
    assert "reconnecting once" in caplog.text


def test_one_publisher_per_process_until_reset(configure, rabbitmq_url):
    configure(rabbitmq_url=rabbitmq_url)
    reset_sync_publisher()
    first = get_sync_publisher()
    assert get_sync_publisher() is first
    reset_sync_publisher()
    assert get_sync_publisher() is not first
    reset_sync_publisher()


def test_a_forked_child_makes_its_own_connection(configure, rabbitmq_url):
    configure(rabbitmq_url=rabbitmq_url)
    reset_sync_publisher()
    parent = get_sync_publisher()
    before, in_child, after = send_dm(1), send_dm(2), send_dm(3)
    with tap(rabbitmq_url) as t:
        parent.publish(before)
        pid = os.fork()
        if pid == 0:  # the child: exit code 0 only if it published on a connection of its own
            try:
                child = get_sync_publisher()
                child.publish(in_child)
                os._exit(0 if child is not parent else 3)
            except BaseException:
                os._exit(4)
        _, status = os.waitpid(pid, 0)
        parent.publish(after)
        assert os.waitstatus_to_exitcode(status) == 0
        assert sorted(t.message_ids()) == sorted(str(e.event_id) for e in (before, in_child, after))
    reset_sync_publisher()

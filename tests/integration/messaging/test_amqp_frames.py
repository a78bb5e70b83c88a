"""Coalesced publish frames: the same bytes pika's own basic_publish sends, and they arrive."""

import pika
import pytest

from game_scheduler.messaging.amqp_frames import publish_frames
from game_scheduler.messaging.topology import EXCHANGE, MessageProperties, declare_with_pika
from tests.support.amqp import tap


@pytest.fixture
def connection(rabbitmq_url):
    connection = pika.BlockingConnection(pika.URLParameters(rabbitmq_url))
    yield connection
    if connection.is_open:
        connection.close()


def _messages(count, body_size=40, headers=None):
    return [
        (
            f"game.key{n % 3}",
            MessageProperties(
                content_type="application/json",
                delivery_mode=2,
                message_id=f"id-{n}-é",
                type=f"game.key{n % 3}",
                timestamp=1_900_000_000 + n,
                headers=headers or {},
            ),
            (f"{n:04d}" * body_size)[:body_size].encode(),
        )
        for n in range(count)
    ]


def _captured(impl, send):
    """The bytes handed to pika's output path while ``send`` runs, and how many writes."""
    written: list[bytes] = []
    original = impl.connection._output_marshaled_frames
    impl.connection._output_marshaled_frames = lambda frames: written.extend(frames)
    try:
        send(impl)
    finally:
        impl.connection._output_marshaled_frames = original
    return b"".join(written), len(written)


@pytest.mark.parametrize(
    ("body_size", "headers"), [(40, None), (300_000, None), (40, {"x-gs-attempts": 2})]
)
def test_frames_are_the_bytes_basic_publish_sends(connection, body_size, headers):
    messages = _messages(5, body_size, headers)

    def by_pika(impl):
        for key, props, body in messages:
            impl.basic_publish(
                exchange=EXCHANGE,
                routing_key=key,
                body=body,
                properties=pika.BasicProperties(**props.as_kwargs()),
                mandatory=True,
            )

    def coalesced(impl):
        assert publish_frames(impl, EXCHANGE, messages, mandatory=True) == len(messages)

    impl = connection.channel()._impl
    ours, writes = _captured(impl, coalesced)
    theirs, frames = _captured(impl, by_pika)
    assert ours == theirs
    assert writes < frames


def test_coalesced_batch_arrives_in_order(rabbitmq_url, connection):
    channel = connection.channel()
    declare_with_pika(channel)
    channel.tx_select()
    messages = [
        (
            "notification.send_dm",
            MessageProperties("application/json", 2, str(n), "notification.send_dm", 0),
            b"{}",
        )
        for n in range(3000)
    ]
    with tap(rabbitmq_url) as t:
        publish_frames(channel._impl, EXCHANGE, messages, mandatory=True)
        channel.tx_commit()
        assert t.message_ids() == [str(n) for n in range(3000)]


def test_closed_channel_is_refused(connection):
    channel = connection.channel()
    channel.close()
    with pytest.raises(pika.exceptions.ChannelWrongStateError):
        publish_frames(channel._impl, EXCHANGE, _messages(1), mandatory=True)

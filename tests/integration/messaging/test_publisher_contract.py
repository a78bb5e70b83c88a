"""The same envelope sent by the pika and the aio-pika publisher arrives byte for byte the same."""

import pytest

from game_scheduler.messaging.publisher import AsyncPublisher
from game_scheduler.messaging.sync_publisher import PublishError, SyncPublisher
from tests.support.amqp import tap
from tests.support.events import send_dm

PROPERTY_NAMES = (
    "content_type",
    "content_encoding",
    "headers",
    "delivery_mode",
    "priority",
    "correlation_id",
    "reply_to",
    "expiration",
    "message_id",
    "timestamp",
    "type",
    "user_id",
    "app_id",
    "cluster_id",
)


def wire(message):
    """What a consumer can see of a message."""
    props = {name: getattr(message.properties, name) for name in PROPERTY_NAMES}
    return message.routing_key, message.body, props


async def test_sync_and_async_publishers_send_identical_messages(rabbitmq_url):
    envelope = send_dm()
    sync_publisher = SyncPublisher(rabbitmq_url)
    async_publisher = AsyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t:
        sync_publisher.publish(envelope)
        await async_publisher.publish(envelope)
        from_sync, from_async = t.drain()
    sync_publisher.close()
    await async_publisher.close()
    assert wire(from_sync) == wire(from_async)
    assert from_sync.properties.message_id == str(envelope.event_id)


async def test_async_publish_many_delivers_every_envelope(rabbitmq_url):
    envelopes = [send_dm(n) for n in range(300)]
    publisher = AsyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t:
        await publisher.publish_many(envelopes)
        assert sorted(t.message_ids()) == sorted(str(e.event_id) for e in envelopes)
    await publisher.close()


async def test_async_publisher_broker_down_raises_publish_error():
    publisher = AsyncPublisher("amqp://guest:guest@127.0.0.1:1/")
    with pytest.raises(PublishError, match="cannot reach RabbitMQ"):
        await publisher.publish(send_dm())

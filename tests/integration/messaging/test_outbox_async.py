"""A game posted while RabbitMQ is down keeps its event in the outbox until the relay sends it."""

from sqlalchemy import select

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.outbox import set_async_publisher
from game_scheduler.messaging.publisher import AsyncPublisher
from game_scheduler.messaging.relay import relay_outbox
from game_scheduler.messaging.sync_publisher import SyncPublisher
from game_scheduler.models import OutboxEvent
from tests.support.amqp import tap
from tests.support.factories import create_game, seed_channel


def unpublished_types() -> list[str]:
    with get_sync_db_session() as session:
        return list(
            session.scalars(
                select(OutboxEvent.event_type).where(OutboxEvent.published_at.is_(None))
            )
        )


async def test_service_change_published_at_once_when_the_broker_is_up(db_url, rabbitmq_url):
    await seed_channel()
    publisher = AsyncPublisher(rabbitmq_url)
    set_async_publisher(publisher)
    try:
        with tap(rabbitmq_url) as t:
            game = await create_game()
            [message] = t.drain()
    finally:
        set_async_publisher(None)
        await publisher.close()
    assert message.routing_key == "game.created"
    assert f'"game_id":{game.id}' in message.body.decode()
    assert unpublished_types() == []


async def test_service_change_survives_a_broker_outage(db_url, rabbitmq_url):
    await seed_channel()
    set_async_publisher(AsyncPublisher("amqp://guest:guest@127.0.0.1:1/"))
    try:
        await create_game()
    finally:
        set_async_publisher(None)
    assert unpublished_types() == ["game.created"]

    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url) as t:
        with get_sync_db_session() as session:
            assert relay_outbox(session, publisher, min_age_seconds=0) == 1
            assert relay_outbox(session, publisher, min_age_seconds=0) == 0
        assert [m.routing_key for m in t.drain()] == ["game.created"]
    publisher.close()
    assert unpublished_types() == []

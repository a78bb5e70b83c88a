"""`game-scheduler dead-letters list|replay` on the real broker, fed by the real consumer."""

import pytest

from game_scheduler import cli
from game_scheduler.messaging import topology
from game_scheduler.messaging.consumer import EventConsumer
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.retries import RetryPolicy
from game_scheduler.messaging.sync_publisher import SyncPublisher
from tests.support.amqp import tap
from tests.support.events import send_dm
from tests.support.waiting import wait_until


async def always_fails(_envelope) -> None:
    raise RuntimeError("no such channel")


def depth(t, name):
    return t.channel.queue_declare(name, passive=True).method.message_count


@pytest.fixture
async def dead(db_url, rabbitmq_url, configure):
    """Two events the consumer gave up on and one malformed message, in bot_events.dead."""
    configure(rabbitmq_url=rabbitmq_url)
    publisher = SyncPublisher(rabbitmq_url)
    with tap(rabbitmq_url, "notification.#") as t:
        t.channel.queue_purge(topology.DEAD_LETTER_QUEUE)
        consumer = EventConsumer(
            {EventType.SEND_DM: always_fails},
            url=rabbitmq_url,
            policy=RetryPolicy(delays=(0.01,), max_failures=1),
        )
        await consumer.start()
        events = [send_dm(1), send_dm(2)]
        try:
            publisher.publish_many(events)
            t.channel.basic_publish(topology.EXCHANGE, "notification.send_dm", b"{not json")
            await wait_until(lambda: depth(t, topology.DEAD_LETTER_QUEUE) == 3)
        finally:
            await consumer.stop()
            publisher.close()
        t.drain()
        yield t, events


def run(*argv):
    return cli.main(["dead-letters", *argv])


async def test_list_shows_each_dead_letter_and_leaves_them(dead, capsys):
    t, events = dead
    assert run("list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "3 dead letters"
    for event in events:
        [line] = [x for x in lines if x.startswith(str(event.event_id))]
        assert "notification.send_dm  notification.send_dm" in line
        assert "handler failed 2 times: RuntimeError: no such channel" in line
        assert "age 0m" in line
    assert any("malformed message" in x for x in lines)
    assert depth(t, topology.DEAD_LETTER_QUEUE) == 3


async def test_replay_republishes_the_original_message_and_removes_it(dead, capsys):
    t, events = dead
    first = events[0]
    assert run("replay", str(first.event_id)) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "replayed 1, not found 0"
    [again] = t.drain()
    assert again.routing_key == "notification.send_dm"
    assert again.body == first.to_bytes()
    expected = topology.message_properties(first)
    assert again.properties.message_id == expected.message_id
    assert again.properties.type == expected.type
    assert again.properties.content_type == expected.content_type
    assert again.properties.delivery_mode == expected.delivery_mode
    assert again.properties.timestamp == expected.timestamp
    assert again.properties.headers == {}
    assert depth(t, topology.DEAD_LETTER_QUEUE) == 2
    assert run("replay", "--all") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "replayed 2, not found 0"
    assert depth(t, topology.DEAD_LETTER_QUEUE) == 0


async def test_an_unknown_id_is_reported_with_exit_1(dead, capsys):
    t, events = dead
    assert run("replay", "nope", str(events[1].event_id)) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["not found: nope", "replayed 1, not found 1"]
    assert depth(t, topology.DEAD_LETTER_QUEUE) == 2


async def test_bad_usage_and_an_unreachable_broker_exit_2(configure, capsys):
    assert run("replay") == 2
    assert "give --all or one or more EVENT_IDs" in capsys.readouterr().err
    configure(rabbitmq_url="amqp://guest:guest@127.0.0.1:1/")
    assert run("list") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "cannot reach RabbitMQ" in err[0]

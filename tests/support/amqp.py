"""A tap on the real broker: a queue of the test's own bound to the exchange, read with pika."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import pika
from pika.adapters.blocking_connection import BlockingChannel

from game_scheduler.messaging import topology
from tests.support import services


@dataclass(frozen=True)
class Received:
    """One message as it arrived."""

    routing_key: str
    body: bytes
    properties: pika.BasicProperties


class Tap:
    """Everything published to the exchange, copied into an exclusive queue."""

    def __init__(self, channel: BlockingChannel, queue: str) -> None:
        self.channel = channel
        self.queue = queue

    def drain(self, queue: str | None = None) -> list[Received]:
        """Every message waiting in the tap (or in ``queue``), removed from it."""
        found = []
        while True:
            method, properties, body = self.channel.basic_get(queue or self.queue, auto_ack=True)
            if method is None:
                return found
            found.append(Received(method.routing_key, body, properties))

    def message_ids(self) -> list[str]:
        """The ``message_id`` of every waiting message, removed from the tap."""
        return [str(m.properties.message_id) for m in self.drain()]


@contextmanager
def tap(url: str, binding: str = "#") -> Iterator[Tap]:
    """Open a tap on the exchange; the bot's queues are purged when it closes."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        topology.declare_with_pika(channel)
        queue = f"test_tap_{uuid.uuid4().hex[:8]}"
        channel.queue_declare(queue, exclusive=True)
        channel.queue_bind(queue, topology.EXCHANGE, binding)
        yield Tap(channel, queue)
        channel.queue_purge(topology.BOT_QUEUE)
        channel.queue_purge(topology.DEAD_LETTER_QUEUE)
    finally:
        if connection.is_open:
            connection.close()


def vhost_of(url: str) -> str:
    """The vhost named in an AMQP URL."""
    return unquote(urlsplit(url).path.lstrip("/")) or "/"


def close_connections(url: str) -> None:
    """Make the broker drop every client connection to the URL's vhost."""
    services.rabbitmqctl("close_all_connections", "-p", vhost_of(url), "test: dropped on purpose")

"""Exchanges, queues, bindings and message properties: the single source for pika and aio-pika.

Neither client is imported here (the scheduler must not pull in aio-pika): each declaration
function takes the client's channel through a small structural type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from game_scheduler.messaging.events import Envelope

EXCHANGE = "game_scheduler"
EXCHANGE_TYPE = "topic"
BOT_QUEUE = "bot_events"
BOT_BINDINGS = ("game.#", "notification.#")
DEAD_LETTER_EXCHANGE = "game_scheduler.dead"
DEAD_LETTER_EXCHANGE_TYPE = "fanout"
DEAD_LETTER_QUEUE = "bot_events.dead"

# The consumer dead-letters a failing message itself after its own bound (default 5
# deterministic failures) and retries through the retry queues, never by requeueing; the broker's
# limit is a backstop for deliveries the consumer never judged, such as a message that kills the
# consumer process every time.
BROKER_DELIVERY_LIMIT = 20

# A quorum queue counts deliveries for us (the x-delivery-count header) and enforces the limit.
BOT_QUEUE_ARGUMENTS: dict[str, Any] = {
    "x-queue-type": "quorum",
    "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
    "x-delivery-limit": BROKER_DELIVERY_LIMIT,
}

# A failed event waits in a retry queue of fixed delay (every message in it has the same TTL, so
# the head always expires first), then the broker dead-letters it back to the bot's queue through
# the default exchange: no other queue bound to the topic exchange sees it twice. Classic durable
# queues with persistent messages: their TTL expiry is prompt and long proven. The broker moves an
# expired message at-most-once (a broker crash in that instant could drop it); quorum queues'
# at-least-once dead-lettering would close that window, but has open reports of expired messages
# that never move (rabbitmq-server#10718), which would be a silent loss.
RETRY_QUEUE_PREFIX = f"{BOT_QUEUE}.retry."


def retry_queue(delay: float) -> str:
    """The retry queue whose messages wait ``delay`` seconds (named by its delay in ms)."""
    return f"{RETRY_QUEUE_PREFIX}{round(delay * 1000)}ms"


def retry_queue_arguments(delay: float) -> dict[str, Any]:
    """A queue whose messages expire after ``delay`` back into the bot's queue."""
    return {
        "x-queue-type": "classic",
        "x-message-ttl": round(delay * 1000),
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": BOT_QUEUE,
    }


CONTENT_TYPE = "application/json"
PERSISTENT = 2


@dataclass(frozen=True)
class MessageProperties:
    """AMQP properties, named as both pika.BasicProperties and aio_pika.Message name them.

    ``headers`` and ``priority`` are spelled out because aio-pika always sends them (empty, 0)
    and pika sends them only when given: set here, the two clients' messages are identical.
    """

    content_type: str
    delivery_mode: int
    message_id: str
    type: str
    timestamp: int
    headers: dict[str, Any] = field(default_factory=dict)
    priority: int = 0

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``pika.BasicProperties`` or ``aio_pika.Message``."""
        # Spelled out: dataclasses.asdict deep-copies and cost the relay a tenth of its time.
        return {
            "content_type": self.content_type,
            "delivery_mode": self.delivery_mode,
            "message_id": self.message_id,
            "type": self.type,
            "timestamp": self.timestamp,
            "headers": dict(self.headers),
            "priority": self.priority,
        }


def message_properties(envelope: Envelope) -> MessageProperties:
    """The properties every publisher sends with this envelope."""
    return MessageProperties(
        content_type=CONTENT_TYPE,
        delivery_mode=PERSISTENT,
        message_id=str(envelope.event_id),
        type=envelope.event_type.value,
        timestamp=int(envelope.occurred_at.timestamp()),
    )


def routing_key(envelope: Envelope) -> str:
    """The routing key is the event type."""
    return envelope.event_type.value


class PikaChannel(Protocol):
    """The part of ``pika.adapters.blocking_connection.BlockingChannel`` declaration uses."""

    def exchange_declare(self, *, exchange: str, exchange_type: str, durable: bool) -> object: ...

    def queue_declare(
        self, *, queue: str, durable: bool, arguments: Mapping[str, Any] | None
    ) -> object: ...

    def queue_bind(self, *, queue: str, exchange: str, routing_key: str) -> object: ...


def declare_with_pika(channel: PikaChannel) -> None:
    """Declare everything (idempotent: same names, same arguments) on a pika channel."""
    channel.exchange_declare(exchange=EXCHANGE, exchange_type=EXCHANGE_TYPE, durable=True)
    channel.exchange_declare(
        exchange=DEAD_LETTER_EXCHANGE, exchange_type=DEAD_LETTER_EXCHANGE_TYPE, durable=True
    )
    channel.queue_declare(queue=DEAD_LETTER_QUEUE, durable=True, arguments=None)
    channel.queue_bind(queue=DEAD_LETTER_QUEUE, exchange=DEAD_LETTER_EXCHANGE, routing_key="")
    channel.queue_declare(queue=BOT_QUEUE, durable=True, arguments=BOT_QUEUE_ARGUMENTS)
    for key in BOT_BINDINGS:
        channel.queue_bind(queue=BOT_QUEUE, exchange=EXCHANGE, routing_key=key)


class AioPikaQueue(Protocol):
    """The part of ``aio_pika.abc.AbstractQueue`` declaration uses."""

    async def bind(self, exchange: str, routing_key: str) -> object: ...


class AioPikaChannel(Protocol):
    """The part of ``aio_pika.abc.AbstractChannel`` declaration uses."""

    async def declare_exchange(self, name: str, type: str, *, durable: bool) -> object: ...

    async def declare_queue(
        self, name: str, *, durable: bool, arguments: dict[str, Any] | None
    ) -> AioPikaQueue: ...


async def declare_with_aio_pika(channel: AioPikaChannel) -> None:
    """Declare everything (idempotent: same names, same arguments) on an aio-pika channel."""
    await channel.declare_exchange(EXCHANGE, EXCHANGE_TYPE, durable=True)
    await channel.declare_exchange(DEAD_LETTER_EXCHANGE, DEAD_LETTER_EXCHANGE_TYPE, durable=True)
    dead = await channel.declare_queue(DEAD_LETTER_QUEUE, durable=True, arguments=None)
    await dead.bind(DEAD_LETTER_EXCHANGE, "")
    queue = await channel.declare_queue(BOT_QUEUE, durable=True, arguments=BOT_QUEUE_ARGUMENTS)
    for key in BOT_BINDINGS:
        await queue.bind(EXCHANGE, key)


async def declare_retry_queues_with_aio_pika(
    channel: AioPikaChannel, delays: Sequence[float]
) -> None:
    """Declare the consumer's retry queues (idempotent) on an aio-pika channel."""
    for delay in sorted(set(delays)):
        await channel.declare_queue(
            retry_queue(delay), durable=True, arguments=retry_queue_arguments(delay)
        )

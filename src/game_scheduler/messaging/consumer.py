"""Consume the bot's queue: handle each event once, ack after success, dead-letter poison.

Bounded redeliveries use the quorum queue's own count (the ``x-delivery-count`` header the
broker sets on every redelivery) rather than a republished header: the count survives consumer
crashes, needs no second publish per retry, and the broker's ``x-delivery-limit`` backs it up
for messages the consumer never got to judge.
"""

from __future__ import annotations

import asyncio
import logging

import aio_pika
from aio_pika.abc import (
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from game_scheduler.config import get_settings
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.handling import Handlers, handle_once
from game_scheduler.messaging.topology import BOT_QUEUE, declare_with_aio_pika

log = logging.getLogger(__name__)

# How long stop() lets in-flight handlers finish before closing the connection under them.
STOP_GRACE_SECONDS = 10.0


def delivery_count(message: AbstractIncomingMessage) -> int:
    """How many times the broker delivered this message before (0 on the first delivery)."""
    value = (message.headers or {}).get("x-delivery-count", 0)
    return value if isinstance(value, int) else 0


class EventConsumer:
    """Feeds the bot's queue to the handlers through :func:`handle_once`."""

    def __init__(
        self,
        handlers: Handlers,
        *,
        url: str | None = None,
        queue: str = BOT_QUEUE,
        max_redeliveries: int = 5,
        prefetch: int = 16,
        retry_delay: float = 1.0,
    ) -> None:
        self._handlers = handlers
        self._url = url or get_settings().rabbitmq_url
        self._queue_name = queue
        self._max_redeliveries = max_redeliveries
        self._prefetch = prefetch
        self._retry_delay = retry_delay
        self._connection: AbstractRobustConnection | None = None
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None
        self._in_flight: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Connect, declare the topology and start consuming."""
        self._connection = await aio_pika.connect_robust(self._url)
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=self._prefetch)
        await declare_with_aio_pika(channel)
        self._queue = await channel.get_queue(self._queue_name)
        self._consumer_tag = await self._queue.consume(self._on_message)
        log.info("consuming %s", self._queue_name)

    async def stop(self) -> None:
        """Stop taking messages, let in-flight ones finish, close the connection."""
        if self._queue is not None and self._consumer_tag is not None:
            await self._queue.cancel(self._consumer_tag)
        if self._in_flight:
            await asyncio.wait(self._in_flight, timeout=STOP_GRACE_SECONDS)
        connection, self._connection, self._queue = self._connection, None, None
        if connection is not None:
            await connection.close()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            await self._process(message)
        finally:
            if task is not None:
                self._in_flight.discard(task)

    async def _process(self, message: AbstractIncomingMessage) -> None:
        try:
            envelope = Envelope.from_bytes(message.body)
        except ValueError as error:  # pydantic.ValidationError included
            log.error(
                "dead-lettering malformed message %s (routing key %s): %s",
                message.message_id,
                message.routing_key,
                error,
            )
            await message.reject(requeue=False)
            return
        try:
            await handle_once(envelope, self._handlers)
        except Exception:
            await self._retry_or_dead_letter(message, envelope)
            return
        await message.ack()

    async def _retry_or_dead_letter(
        self, message: AbstractIncomingMessage, envelope: Envelope
    ) -> None:
        """Requeue a failed event a bounded number of times, then dead-letter it."""
        redeliveries = delivery_count(message)
        what = f"event {envelope.event_id} ({envelope.event_type})"
        if redeliveries >= self._max_redeliveries:
            log.error(
                "%s failed on delivery %d; dead-lettered", what, redeliveries + 1, exc_info=True
            )
            await message.reject(requeue=False)
            return
        log.warning(
            "%s failed on delivery %d of %d; requeued",
            what,
            redeliveries + 1,
            self._max_redeliveries + 1,
            exc_info=True,
        )
        # A requeued message comes straight back: wait a little so a passing fault can pass.
        await asyncio.sleep(self._retry_delay * (redeliveries + 1))
        await message.nack(requeue=True)

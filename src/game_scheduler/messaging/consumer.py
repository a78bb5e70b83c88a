"""Consume the bot's queue: handle each event once, retry outages for as long as they last.

A failed delivery is never requeued (a quorum queue puts it back at the head, where it would spin)
and never waits in the consumer (it would hold a prefetch slot): a copy goes to a retry queue of
fixed delay (``topology.retry_queue``) with its counts in headers, confirmed by the broker, and
only then is the original acked. A transient failure (``handling.is_transient``) is retried with
capped backoff forever; a deterministic one a bounded number of times; then, like a malformed
message, the event goes to the dead-letter queue with the reason in a header.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from game_scheduler.config import Settings, get_settings
from game_scheduler.messaging import retries
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.handling import Handlers, handle_once, is_transient
from game_scheduler.messaging.retries import DeadLetter, Retry, RetryPolicy
from game_scheduler.messaging.topology import (
    BOT_QUEUE,
    DEAD_LETTER_EXCHANGE,
    declare_retry_queues_with_aio_pika,
    declare_with_aio_pika,
    retry_queue,
)
from game_scheduler.models import utcnow

log = logging.getLogger(__name__)

# How long stop() lets in-flight handlers finish before closing the connection under them.
STOP_GRACE_SECONDS = 10.0
# How long a delivery waits before going back to the queue when even its retry copy failed.
BROKER_TROUBLE_PAUSE_SECONDS = 1.0


def concurrency_problem(concurrency: int, pool_capacity: int) -> str | None:
    """Why the consumer's concurrency cannot work with this pool, or None when it can."""
    if concurrency < 1:
        return f"BOT_CONCURRENCY must be at least 1 (got {concurrency})"
    if concurrency >= pool_capacity:
        return (
            f"BOT_CONCURRENCY ({concurrency}) must be below the database pool capacity "
            f"DB_POOL_SIZE + DB_MAX_OVERFLOW ({pool_capacity}): lower it or raise the pool"
        )
    return None


def _copied_properties(message: AbstractIncomingMessage) -> dict[str, Any]:
    """The delivery's AMQP properties, to publish a copy of it (headers handled by the caller)."""
    return {
        "content_type": message.content_type,
        "content_encoding": message.content_encoding,
        "delivery_mode": message.delivery_mode,
        "priority": message.priority,
        "correlation_id": message.correlation_id,
        "reply_to": message.reply_to,
        "message_id": message.message_id,
        "timestamp": message.timestamp,
        "type": message.type,
        "app_id": message.app_id,
    }


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= 1000 else text[:997] + "..."


class EventConsumer:
    """Feeds the bot's queue to the handlers through :func:`handle_once`."""

    def __init__(
        self,
        handlers: Handlers,
        *,
        url: str | None = None,
        queue: str = BOT_QUEUE,
        prefetch: int | None = None,
        policy: RetryPolicy | None = None,
        lease_seconds: float | None = None,
        settings: Settings | None = None,
    ) -> None:
        settings = settings or get_settings()
        self._handlers = handlers
        self._url = url or settings.rabbitmq_url
        self._queue_name = queue
        self._prefetch = prefetch if prefetch is not None else settings.bot_concurrency
        self._policy = policy or RetryPolicy(
            tuple(settings.bot_retry_delays), settings.bot_max_failures
        )
        self._lease_seconds = lease_seconds
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None
        self._in_flight: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Connect, declare the topology and the retry queues, and start consuming."""
        self._connection = await aio_pika.connect_robust(self._url)
        channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        await channel.set_qos(prefetch_count=self._prefetch)
        await declare_with_aio_pika(channel)
        await declare_retry_queues_with_aio_pika(channel, self._policy.delays)
        self._channel = channel
        self._queue = await channel.get_queue(self._queue_name)
        self._consumer_tag = await self._queue.consume(self._on_message)
        log.info("consuming %s, %d at a time", self._queue_name, self._prefetch)

    async def stop(self) -> None:
        """Stop taking messages, let in-flight ones finish, close the connection."""
        if self._queue is not None and self._consumer_tag is not None:
            await self._queue.cancel(self._consumer_tag)
        if self._in_flight:
            await asyncio.wait(self._in_flight, timeout=STOP_GRACE_SECONDS)
        connection, self._connection, self._queue = self._connection, None, None
        self._channel = None
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
            await self._settle(message, None, f"malformed message: {_describe(error)}")
            return
        try:
            await handle_once(envelope, self._handlers, lease_seconds=self._lease_seconds)
        except Exception as error:
            await self._after_failure(message, envelope, error)
            return
        await message.ack()

    async def _after_failure(
        self, message: AbstractIncomingMessage, envelope: Envelope, error: Exception
    ) -> None:
        """Send the event to wait in a retry queue, or to the dead letters past the bound."""
        transient = is_transient(error)
        decision = self._policy.decide(message.headers, transient=transient)
        what = f"event {envelope.event_id} ({envelope.event_type.value})"
        if isinstance(decision, DeadLetter):
            log.error("%s failed %d times; dead-lettered", what, decision.failures, exc_info=error)
            await self._settle(
                message,
                None,
                f"handler failed {decision.failures} times: {_describe(error)}",
            )
            return
        if transient:
            log.warning(
                "%s: transient failure on attempt %d (%s); retried in %g s",
                what,
                decision.attempts,
                _describe(error),
                decision.delay,
            )
        else:
            log.warning(
                "%s failed (%d of %d allowed); retried in %g s",
                what,
                decision.failures,
                self._policy.max_failures,
                decision.delay,
                exc_info=error,
            )
        await self._settle(message, decision, None)

    async def _settle(
        self, message: AbstractIncomingMessage, retry: Retry | None, dead_reason: str | None
    ) -> None:
        """Publish the copy (retry queue or dead letters), confirmed, then ack the original."""
        headers: dict[str, Any] = {
            k: v for k, v in (message.headers or {}).items() if k != "x-delivery-count"
        }
        headers.setdefault(retries.ROUTING_KEY_HEADER, message.routing_key or "")
        if retry is not None:
            headers[retries.ATTEMPTS_HEADER] = retry.attempts
            headers[retries.FAILURES_HEADER] = retry.failures
        else:
            headers[retries.ERROR_HEADER] = dead_reason or "unknown"
            headers[retries.DEAD_LETTERED_AT_HEADER] = utcnow().isoformat()
        copy = aio_pika.Message(message.body, headers=headers, **_copied_properties(message))
        try:
            channel = self._channel
            assert channel is not None, "start() first"
            if retry is not None:
                await channel.default_exchange.publish(
                    copy, routing_key=retry_queue(retry.delay), mandatory=True
                )
            else:
                exchange = await channel.get_exchange(DEAD_LETTER_EXCHANGE, ensure=False)
                await exchange.publish(
                    copy, routing_key=str(headers[retries.ROUTING_KEY_HEADER]), mandatory=True
                )
        except Exception:
            # The broker is in trouble: the original goes back to the queue after a pause (or
            # returns by itself if the channel died); nothing is lost either way.
            log.warning(
                "could not set message %s aside; requeued", message.message_id, exc_info=True
            )
            await asyncio.sleep(BROKER_TROUBLE_PAUSE_SECONDS)
            try:
                await message.nack(requeue=True)
            except Exception:
                log.debug("nack failed; the broker redelivers on reconnect", exc_info=True)
            return
        await message.ack()

"""Publish envelopes with aio-pika for the api and the bot; waits for the broker's confirms."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

import aio_pika
import aio_pika.exceptions
from aio_pika.abc import AbstractExchange, AbstractRobustConnection

from game_scheduler.config import get_settings
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.sync_publisher import PublishError
from game_scheduler.messaging.topology import (
    EXCHANGE,
    declare_with_aio_pika,
    message_properties,
    routing_key,
)

# How long one batch may wait for its confirms before the writer gives up (the relay retries).
PUBLISH_TIMEOUT_SECONDS = 10.0
# How long connecting may take (TCP, then AMQP handshake) before publishing is left to the relay;
# after a failed attempt, writes do not try again for a while, so none waits on a dead broker.
CONNECT_TIMEOUT_SECONDS = 5.0
RECONNECT_AFTER_SECONDS = 10.0


def to_message(envelope: Envelope) -> aio_pika.Message:
    """The envelope as an aio-pika message, with the properties every publisher sends."""
    return aio_pika.Message(envelope.to_bytes(), **message_properties(envelope).as_kwargs())


class AsyncPublisher:
    """One robust connection with confirms; the topology is declared again after reconnects."""

    def __init__(self, url: str | None = None) -> None:
        self._url = url or get_settings().rabbitmq_url
        parsed = urlsplit(self._url)
        self._where = (
            f"{parsed.hostname}:{parsed.port or 5672} vhost {unquote(parsed.path[1:]) or '/'!r}"
        )
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._lock = asyncio.Lock()
        self._failed_at: float | None = None

    async def connect(self) -> None:
        """Connect and declare the topology (the robust channel declares it again on reconnect).

        Gives up after CONNECT_TIMEOUT_SECONDS (a black-holed broker must not hold a write for
        the OS's connect timeout), and for RECONNECT_AFTER_SECONDS after a failure fails at once.
        """
        async with self._lock:
            if self._exchange is not None:
                return
            loop = asyncio.get_running_loop()
            if (
                self._failed_at is not None
                and loop.time() - self._failed_at < RECONNECT_AFTER_SECONDS
            ):
                raise PublishError(f"RabbitMQ at {self._where} was unreachable moments ago")
            try:
                await self._open()
            except (aio_pika.exceptions.AMQPError, OSError, TimeoutError) as error:
                self._failed_at = loop.time()
                raise PublishError(f"cannot reach RabbitMQ at {self._where}: {error!r}") from error
            self._failed_at = None

    async def _open(self) -> None:
        # aio-pika's own timeout: cancelling connect_robust from outside leaves its reconnect
        # task running forever.
        connection = await aio_pika.connect_robust(self._url, timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
                channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
                await declare_with_aio_pika(channel)
                self._exchange = await channel.get_exchange(EXCHANGE, ensure=False)
        except BaseException:
            await connection.close()
            raise
        self._connection = connection

    async def publish(self, envelope: Envelope) -> None:
        """Publish one envelope."""
        await self.publish_many([envelope])

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        """Publish all at once and return when the broker has confirmed every one."""
        if not envelopes:
            return
        if self._exchange is None:
            await self.connect()
        exchange = self._exchange
        assert exchange is not None
        sends = [exchange.publish(to_message(e), routing_key(e), mandatory=True) for e in envelopes]
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT_SECONDS):
                await asyncio.gather(*sends)
        except aio_pika.exceptions.PublishError as error:
            raise PublishError(
                f"RabbitMQ at {self._where} could not route a message (no queue bound): {error}"
            ) from error
        except (aio_pika.exceptions.AMQPError, OSError, TimeoutError) as error:
            raise PublishError(
                f"publishing to RabbitMQ at {self._where} failed: {error!r}"
            ) from error

    async def close(self) -> None:
        """Close the connection."""
        connection, self._connection, self._exchange = self._connection, None, None
        if connection is not None:
            await connection.close()

"""Publish envelopes with pika for the synchronous scheduler; no event loop anywhere here.

A batch is published inside one AMQP transaction: ``tx.commit-ok`` means the broker has taken
every message of it (RabbitMQ answers a commit only once its queues have confirmed the
messages). ``bench/messaging.py`` measured this several times faster than waiting for a
publisher confirm per message, which is all pika's BlockingChannel offers.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from urllib.parse import parse_qs, urlsplit

import pika
import pika.channel
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection
from pika.adapters.utils.connection_workflow import AMQPConnectorException

from game_scheduler.config import get_settings
from game_scheduler.messaging.amqp_frames import publish_frames
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.topology import (
    EXCHANGE,
    declare_with_pika,
    message_properties,
    routing_key,
)

log = logging.getLogger(__name__)

# A broker under a memory or disk alarm blocks publishers; fail rather than hang a worker.
BLOCKED_TIMEOUT_SECONDS = 60.0
# What an unreachable, unresponsive or refusing broker raises (a timed-out handshake included).
BROKER_ERRORS = (pika.exceptions.AMQPError, AMQPConnectorException, OSError)
# Connecting (TCP, then the AMQP handshake) gives up after this, once: the caller retries later.
CONNECT_TIMEOUT_SECONDS = 5.0
# A BlockingConnection answers heartbeats only while it is used: RabbitMQ drops one left idle for
# about two heartbeat intervals. One idle for half an interval is replaced before use instead.
HEARTBEAT_SECONDS = 60
IDLE_RECONNECT_SECONDS = HEARTBEAT_SECONDS / 2

# How pika reports a connection lost under it (ERROR, with a traceback). The publisher reconnects
# and says so at INFO; these become one INFO line each.
_PIKA_CONNECTION_LOST = (
    "_AsyncBaseTransport._produce() failed",
    "_AsyncBaseTransport._consume() failed",
    "connection_lost:",
    "Unexpected connection close detected",
)


class _ConnectionLossAtInfo(logging.Filter):
    """Lower pika's reports of a dropped connection to INFO without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and str(record.msg).startswith(_PIKA_CONNECTION_LOST):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            record.msg = record.getMessage().split("; Caller's stack:", 1)[0]
            record.args = None
        return True


for _name in (
    "pika.adapters.utils.io_services_utils",
    "pika.adapters.base_connection",
    "pika.adapters.blocking_connection",
):
    logging.getLogger(_name).addFilter(_ConnectionLossAtInfo())


# AMQP reply code with which RabbitMQ refuses content it will never take (e.g. too large).
PRECONDITION_FAILED = 406


class PublishError(Exception):
    """The broker did not take the messages: it is down, refused them, or could not route them.

    ``permanent``: the broker refused the content itself; publishing it again cannot succeed.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def describe_broker(params: pika.URLParameters) -> str:
    """Where the broker is, without credentials (safe to log)."""
    return f"{params.host}:{params.port} vhost {params.virtual_host!r}"


def explain(error: BaseException, where: str) -> str:
    """A message that says what went wrong in words an operator can act on."""
    if isinstance(
        error, pika.exceptions.ProbableAuthenticationError | pika.exceptions.AuthenticationError
    ):
        return f"RabbitMQ at {where} refused the credentials"
    if isinstance(error, pika.exceptions.ProbableAccessDeniedError):
        return f"RabbitMQ at {where} denied access to the vhost"
    if isinstance(
        error, pika.exceptions.ChannelClosedByBroker | pika.exceptions.ConnectionClosedByBroker
    ):
        return f"RabbitMQ at {where} refused: {error.reply_code} {error.reply_text}"
    if isinstance(error, pika.exceptions.AMQPConnectionError | AMQPConnectorException | OSError):
        return f"cannot reach RabbitMQ at {where}: {error!r}"
    return f"publishing to RabbitMQ at {where} failed: {error!r}"


def is_refusal(error: BaseException) -> bool:
    """Whether the broker refused the messages themselves rather than being unreachable."""
    return (
        isinstance(error, pika.exceptions.ChannelClosedByBroker)
        and error.reply_code == PRECONDITION_FAILED
    )


def connection_parameters(url: str) -> pika.URLParameters:
    """The URL's parameters, with timeouts on every step unless the URL sets its own."""
    params = pika.URLParameters(url)
    given = parse_qs(urlsplit(url).query)
    defaults = {
        "socket_timeout": CONNECT_TIMEOUT_SECONDS,
        "stack_timeout": CONNECT_TIMEOUT_SECONDS,
        "blocked_connection_timeout": BLOCKED_TIMEOUT_SECONDS,
        "connection_attempts": 1,
        "heartbeat": HEARTBEAT_SECONDS,
    }
    for name, value in defaults.items():
        if name not in given:
            setattr(params, name, value)
    return params


class SyncPublisher:
    """One pika connection; each call returns once the broker has taken every message."""

    def __init__(self, url: str | None = None) -> None:
        self._params = connection_parameters(url or get_settings().rabbitmq_url)
        self._where = describe_broker(self._params)
        self._connection: BlockingConnection | None = None
        self._channel: BlockingChannel | None = None
        self._returned: list[str] = []
        self._lock = threading.Lock()
        self._last_used = 0.0

    def publish(self, envelope: Envelope) -> None:
        """Publish one envelope."""
        self.publish_many([envelope])

    def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        """Publish in one transaction; reconnect and retry once if the connection was lost."""
        if not envelopes:
            return
        with self._lock:
            was_open = self._channel is not None and self._channel.is_open
            try:
                self._publish_batch(envelopes)
            except BROKER_ERRORS as first:
                self._discard()
                if not was_open:
                    # Connecting failed: trying again at once would only double the wait.
                    raise PublishError(
                        explain(first, self._where), permanent=is_refusal(first)
                    ) from first
                log.info(
                    "RabbitMQ publish failed (%s); reconnecting once", explain(first, self._where)
                )
                try:
                    self._publish_batch(envelopes)
                except BROKER_ERRORS as second:
                    self._discard()
                    raise PublishError(
                        explain(second, self._where), permanent=is_refusal(second)
                    ) from second
            if self._returned:
                unroutable, self._returned = self._returned, []
                raise PublishError(
                    f"RabbitMQ at {self._where} could not route {len(unroutable)} message(s) "
                    f"(no queue bound), e.g. event {unroutable[0]}"
                )

    def close(self) -> None:
        """Close the connection; the next publish opens a new one."""
        with self._lock:
            self._discard()

    def _publish_batch(self, envelopes: Sequence[Envelope]) -> None:
        channel = self._open_channel()
        self._returned = []
        # BlockingChannel.basic_publish flushes the socket after every message; pika's channel
        # underneath (private, stable through pika 1.x) only queues frames, and tx_commit
        # flushes the batch at once. The frames go in as a few large writes (amqp_frames).
        impl: pika.channel.Channel = channel._impl  # type: ignore[attr-defined]
        publish_frames(
            impl,
            EXCHANGE,
            (
                (routing_key(envelope), message_properties(envelope), envelope.to_bytes())
                for envelope in envelopes
            ),
            mandatory=True,
        )
        channel.tx_commit()
        # Basic.Return frames arrive before Tx.CommitOk; dispatching them fills self._returned.
        assert self._connection is not None
        self._connection.process_data_events(time_limit=0)
        self._last_used = time.monotonic()

    def _open_channel(self) -> BlockingChannel:
        if self._channel is not None and self._channel.is_open:
            if time.monotonic() - self._last_used < IDLE_RECONNECT_SECONDS:
                return self._channel
            log.debug("RabbitMQ connection idle since its last heartbeat; replacing it")
        self._discard()
        self._connection = BlockingConnection(self._params)
        channel = self._connection.channel()
        declare_with_pika(channel)
        channel.add_on_return_callback(self._on_returned)
        channel.tx_select()
        self._channel = channel
        return channel

    def _on_returned(
        self,
        _channel: BlockingChannel,
        _method: pika.spec.Basic.Return,
        properties: pika.spec.BasicProperties,
        _body: bytes,
    ) -> None:
        self._returned.append(str(properties.message_id))

    def _discard(self) -> None:
        """Close the connection if it is still open (errors ignored) and forget it."""
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except (pika.exceptions.AMQPError, OSError):
                log.debug("closing the RabbitMQ connection failed", exc_info=True)


_publisher: SyncPublisher | None = None
_publisher_pid: int | None = None
_publisher_lock = threading.Lock()


def get_sync_publisher() -> SyncPublisher:
    """The process's publisher; a forked child makes its own instead of sharing the socket."""
    global _publisher, _publisher_pid
    with _publisher_lock:
        if _publisher is None or _publisher_pid != os.getpid():
            # A parent's publisher is left alone: closing it would close the parent's connection.
            _publisher = SyncPublisher()
            _publisher_pid = os.getpid()
        return _publisher


def reset_sync_publisher() -> None:
    """Close and forget the process's publisher (shutdown, tests, settings changed)."""
    global _publisher, _publisher_pid
    with _publisher_lock:
        publisher, pid = _publisher, _publisher_pid
        _publisher, _publisher_pid = None, None
    if publisher is not None and pid == os.getpid():
        publisher.close()

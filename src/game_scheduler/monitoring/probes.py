"""Synchronous checks of the database and the broker (worker health, status, scrape gauges)."""

from __future__ import annotations

import logging
import socket
import ssl
from urllib.parse import urlsplit

import pika
from pika.exceptions import AMQPError, ChannelClosedByBroker
from sqlalchemy import text

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.topology import DEAD_LETTER_QUEUE

log = logging.getLogger(__name__)

TIMEOUT = 2.0
AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
NOT_FOUND = 404


class BrokerUnreachable(Exception):
    """The broker did not answer (down, wrong URL, refused login)."""


def database_reachable() -> bool:
    """``SELECT 1`` on the process's sync engine."""
    try:
        with get_sync_db_session() as session:
            session.execute(text("SELECT 1"))
    except Exception:
        log.warning("health: database unreachable", exc_info=True)
        return False
    return True


def broker_reachable(url: str) -> bool:
    """Open a TCP connection far enough to see the broker's AMQP greeting (no login needed)."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    tls = parts.scheme == "amqps"
    port = parts.port or (5671 if tls else 5672)
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT) as raw:
            sock = (
                ssl.create_default_context().wrap_socket(raw, server_hostname=host) if tls else raw
            )
            sock.sendall(AMQP_HEADER)
            frame = sock.recv(1)
    except OSError:
        return False
    # Frame type 1 is a method frame: the broker's Connection.Start.
    return frame == b"\x01"


def dead_letter_count(url: str, queue: str = DEAD_LETTER_QUEUE) -> int:
    """Messages waiting in the dead-letter queue (a passive declare: nothing is created)."""
    params = pika.URLParameters(url)
    params.socket_timeout = TIMEOUT
    params.stack_timeout = TIMEOUT * 2
    params.blocked_connection_timeout = TIMEOUT
    params.connection_attempts = 1
    params.heartbeat = 0
    try:
        connection = pika.BlockingConnection(params)
    except (AMQPError, OSError) as error:
        raise BrokerUnreachable(f"{type(error).__name__}: {error}") from error
    try:
        channel = connection.channel()
        try:
            declared = channel.queue_declare(queue, passive=True)
        except ChannelClosedByBroker as error:
            if error.reply_code == NOT_FOUND:  # never declared: nothing was dead-lettered
                return 0
            raise BrokerUnreachable(str(error)) from error
        return int(declared.method.message_count)
    except AMQPError as error:
        raise BrokerUnreachable(f"{type(error).__name__}: {error}") from error
    finally:
        if connection.is_open:
            connection.close()

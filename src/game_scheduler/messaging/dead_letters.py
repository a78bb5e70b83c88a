"""Read and replay ``bot_events.dead``: what the consumer gave up on, for an operator to judge.

Sync (pika), for the command line. Listing takes every message without acking it and closes the
channel, so the broker puts them all back. Replaying publishes the chosen ones to the events
exchange with their first routing key, body and properties (the headers retries and the broker
added are dropped), waits for the broker's confirm, and only then removes them from the queue.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel

from game_scheduler.messaging import retries
from game_scheduler.messaging.topology import BOT_QUEUE, DEAD_LETTER_QUEUE, EXCHANGE
from game_scheduler.models import utcnow


class BrokerUnreachable(Exception):
    """RabbitMQ could not be reached or refused the operation."""


@dataclass(frozen=True)
class DeadLetter:
    """One message in the dead-letter queue, as an operator reads it."""

    event_id: str
    event_type: str
    routing_key: str
    reason: str
    dead_lettered_at: datetime | None
    body: bytes
    properties: pika.BasicProperties

    def age(self, now: datetime | None = None) -> timedelta | None:
        """How long it has been dead."""
        if self.dead_lettered_at is None:
            return None
        return (now or utcnow()) - self.dead_lettered_at


def _deaths(headers: dict[str, Any]) -> list[dict[str, Any]]:
    deaths = headers.get("x-death")
    return [d for d in deaths if isinstance(d, dict)] if isinstance(deaths, list) else []


def _bot_queue_death(headers: dict[str, Any]) -> dict[str, Any] | None:
    """The broker's record of the bot's queue dead-lettering it (delivery limit, rejection)."""
    return next((d for d in _deaths(headers) if d.get("queue") == BOT_QUEUE), None)


def _text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _from_body(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def describe(routing_key: str, body: bytes, properties: pika.BasicProperties) -> DeadLetter:
    """What the message is and why it is dead, from its headers (ours first, then the broker's)."""
    headers: dict[str, Any] = dict(properties.headers or {})
    death = _bot_queue_death(headers)
    envelope = _from_body(body)
    first_key = headers.get(retries.ROUTING_KEY_HEADER)
    if not first_key and death and death.get("routing-keys"):
        first_key = death["routing-keys"][0]
    reason = headers.get(retries.ERROR_HEADER) or (death or {}).get("reason")
    reason = reason or headers.get("x-first-death-reason") or "unknown"
    when: datetime | None = None
    stamp = headers.get(retries.DEAD_LETTERED_AT_HEADER)
    if stamp:
        try:
            when = datetime.fromisoformat(_text(stamp))
        except ValueError:
            when = None
    if when is None and death and isinstance(death.get("time"), datetime):
        when = death["time"]
    return DeadLetter(
        event_id=str(properties.message_id or envelope.get("event_id") or "?"),
        event_type=str(properties.type or envelope.get("event_type") or "?"),
        routing_key=_text(first_key or routing_key),
        reason=_text(reason),
        dead_lettered_at=when,
        body=body,
        properties=properties,
    )


@contextmanager
def _channel(url: str) -> Iterator[BlockingChannel]:
    try:
        connection = pika.BlockingConnection(pika.URLParameters(url))
    except pika.exceptions.AMQPError as error:
        raise BrokerUnreachable(f"cannot reach RabbitMQ: {error!r}") from error
    try:
        channel = connection.channel()
        channel.queue_declare(DEAD_LETTER_QUEUE, durable=True, arguments=None)
        yield channel
    except pika.exceptions.AMQPError as error:
        raise BrokerUnreachable(f"RabbitMQ refused: {error!r}") from error
    finally:
        if connection.is_open:
            connection.close()  # what was taken and not acked goes back to the queue


def _take_all(channel: BlockingChannel) -> Iterator[tuple[int, DeadLetter]]:
    """Every message in the queue, unacked (so none comes twice), with its delivery tag."""
    while True:
        method, properties, body = channel.basic_get(DEAD_LETTER_QUEUE, auto_ack=False)
        if method is None or properties is None or body is None:
            return
        yield int(method.delivery_tag or 0), describe(method.routing_key or "", body, properties)


def list_dead_letters(url: str) -> list[DeadLetter]:
    """Every dead letter, oldest first; the queue is left as it was."""
    with _channel(url) as channel:
        return [letter for _, letter in _take_all(channel)]


def replay(url: str, event_ids: Collection[str] | None) -> tuple[int, list[str]]:
    """Republish the named dead letters (all when None); how many, and the ids not found."""
    wanted = None if event_ids is None else set(event_ids)
    replayed: set[str] = set()
    count = 0
    with _channel(url) as channel:
        channel.confirm_delivery()
        for tag, letter in list(_take_all(channel)):
            if wanted is not None and letter.event_id not in wanted:
                continue
            properties = letter.properties
            properties.headers = retries.original_headers(properties.headers)
            channel.basic_publish(
                EXCHANGE, letter.routing_key, letter.body, properties, mandatory=True
            )
            channel.basic_ack(tag)
            replayed.add(letter.event_id)
            count += 1
    missing = [] if wanted is None else sorted(wanted - replayed)
    return count, missing

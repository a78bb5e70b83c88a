"""Run a handler at most once per event id, with no transaction open while it talks to Discord."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.models import ProcessedEvent

log = logging.getLogger(__name__)

# A handler opens its own short transactions (read, then record its outcome) and never holds a
# session or connection while it waits on the network: the caller passes none.
Handler = Callable[[Envelope], Awaitable[None]]
Handlers = Mapping[EventType, Handler]


class TransientError(Exception):
    """Retry later: an outage (database, broker, Discord 5xx/429/timeout), not a bad message."""


async def handle_once(envelope: Envelope, handlers: Handlers) -> bool:
    """Handle the event unless it was claimed before; True when the handler ran to completion.

    The processed_event row is claimed (committed) before the handler runs, so a concurrent
    delivery of the same event is dropped. A handler error releases the claim, so a redelivery
    runs the handler again. An event type without a handler is recorded as handled.
    """
    event_id = str(envelope.event_id)
    async with get_db_session() as session:
        found = await session.scalar(
            select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == event_id)
        )
        if found is not None:
            log.info("event %s (%s) already handled; skipped", event_id, envelope.event_type)
            return False
        session.add(ProcessedEvent(event_id=event_id, event_type=envelope.event_type.value))
        try:
            await session.commit()
        except IntegrityError:
            log.info("event %s was handled concurrently; this delivery is dropped", event_id)
            return False
    handler = handlers.get(envelope.event_type)
    if handler is None:
        return True
    try:
        await handler(envelope)
    except BaseException:
        async with get_db_session() as session:
            await session.execute(delete(ProcessedEvent).where(ProcessedEvent.event_id == event_id))
            await session.commit()
        raise
    return True

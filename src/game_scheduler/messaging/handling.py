"""Run a handler at most once per event id, recording the id with the handler's effect."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.models import ProcessedEvent

log = logging.getLogger(__name__)

# A handler does its work in the given session and must not commit it: the caller commits the
# handler's database effects together with the processed_event record.
Handler = Callable[[Envelope, AsyncSession], Awaitable[None]]
Handlers = Mapping[EventType, Handler]


async def already_handled(session: AsyncSession, event_id: str) -> bool:
    """Whether some earlier delivery of this event was handled to completion."""
    found = await session.execute(
        select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == event_id)
    )
    return found.scalar_one_or_none() is not None


async def handle_once(envelope: Envelope, handlers: Handlers) -> bool:
    """Handle the event unless it was handled before; True when the handler ran to completion.

    The processed_event row is written before the handler runs: a concurrent delivery of the
    same event waits on that row's key and is then dropped, so even the handler's effects
    outside the database (a Discord message) happen once. An event type without a handler is
    recorded as handled (nothing to do). A handler error propagates with nothing recorded, so
    a redelivery runs it again.
    """
    event_id = str(envelope.event_id)
    async with get_db_session() as session:
        if await already_handled(session, event_id):
            log.info("event %s (%s) already handled; skipped", event_id, envelope.event_type)
            return False
        session.add(ProcessedEvent(event_id=event_id, event_type=envelope.event_type.value))
        try:
            await session.flush()
        except IntegrityError:
            await session.rollback()
            log.info("event %s was handled concurrently; this delivery is dropped", event_id)
            return False
        handler = handlers.get(envelope.event_type)
        if handler is not None:
            await handler(envelope, session)
        await session.commit()
    return True

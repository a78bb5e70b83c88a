"""Publishing after the response: committed events go out in batches, off the request's path.

The api hands each write's events over once its transaction has committed
(``outbox.commit_and_publish``) and answers without waiting for the broker. One task per process
publishes whatever queued up meanwhile as one batch (one wait for the broker's confirms), then
marks the batch published with one statement in a transaction of its own. Events keep the order
in which their transactions handed them over.

The outbox stays the guarantee: a batch the broker refused, or events still queued when the
process dies, stay unpublished in the outbox and the relay (``relay_outbox``) sends them once
they are older than its ``min_age_seconds``. Closing the queue publishes what is left first.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.outbox import AsyncEventPublisher, mark_published

log = logging.getLogger(__name__)

# The most events one batch publishes and marks (a mark is one statement with an array of ids).
MAX_BATCH = 500
# How long closing may spend publishing what is still queued; the relay has the rest.
CLOSE_GRACE_SECONDS = 10.0


class PublishQueue:
    """Takes committed events and publishes and marks them on a task of its own."""

    def __init__(self, publisher: AsyncEventPublisher, *, max_batch: int = MAX_BATCH) -> None:
        self._publisher = publisher
        self._max_batch = max_batch
        self._waiting: deque[Envelope] = deque()
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._failed_batches = 0  # in a row: an outage is logged when it starts and ends

    def start(self) -> None:
        """Start the publishing task on the running loop."""
        self._task = asyncio.create_task(self._run(), name="publish-queue")

    def hand_over(self, envelopes: Sequence[Envelope]) -> None:
        """Queue events whose transaction committed; returns at once."""
        self._waiting.extend(envelopes)
        self._wake.set()

    async def close(self) -> None:
        """Publish what is queued (for up to CLOSE_GRACE_SECONDS), then stop."""
        self._closing = True
        self._wake.set()
        if self._task is None:
            return
        try:
            async with asyncio.timeout(CLOSE_GRACE_SECONDS):
                await asyncio.shield(self._task)
        except TimeoutError:
            log.warning("%d events left to the outbox relay at shutdown", len(self._waiting))
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            if not self._waiting:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = [
                self._waiting.popleft() for _ in range(min(self._max_batch, len(self._waiting)))
            ]
            await self._publish(batch)

    async def _publish(self, batch: list[Envelope]) -> None:
        try:
            await self._publisher.publish_many(batch)
        except Exception:
            self._failed_batches += 1
            if self._failed_batches == 1:
                log.warning(
                    "publishing events failed; the outbox relay sends them once the broker is back",
                    exc_info=True,
                )
            return
        if self._failed_batches:
            log.warning("publishing works again after %d failed batches", self._failed_batches)
            self._failed_batches = 0
        try:
            async with get_db_session() as session:
                await mark_published(session, batch)
        except Exception:
            # Published but not marked: the relay sends them again, and consumers drop the
            # duplicates by event id.
            log.warning("marking %d published events failed", len(batch), exc_info=True)

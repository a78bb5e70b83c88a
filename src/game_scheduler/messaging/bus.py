"""The in-process event bus for the all-in-one process: the broker's place when there is none.

Publishing returns once the event is queued, like a broker taking a message; a worker task
hands each event to the same handlers the consumer uses, through :func:`handle_once`. The queue
lives in memory: events queued when the process dies are not redelivered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.handling import Handlers, handle_once
from game_scheduler.messaging.sync_publisher import PublishError

log = logging.getLogger(__name__)

# How long a sync caller waits for the loop to queue its events before giving up.
SYNC_QUEUE_TIMEOUT_SECONDS = 30.0


class InProcessBus:
    """An AsyncEventPublisher delivering to handlers in this event loop."""

    def __init__(
        self, handlers: Handlers, *, max_attempts: int = 5, retry_delay: float = 0.5
    ) -> None:
        self._handlers = handlers
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay
        self._queue: asyncio.Queue[Envelope] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._worker: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start delivering in the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._worker = asyncio.create_task(self._deliver_forever(self._queue))

    async def stop(self) -> None:
        """Deliver what is queued, then stop; later publishes fail."""
        queue, worker = self._queue, self._worker
        self._queue = None
        if queue is not None:
            await queue.join()
        if worker is not None:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
        self._worker = None

    async def publish(self, envelope: Envelope) -> None:
        """Queue one event."""
        await self.publish_many([envelope])

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        """Queue the events in order."""
        self._enqueue(envelopes)

    def sync_adapter(self) -> BusSyncAdapter:
        """A SyncPublisher-compatible face for sync code running in other threads."""
        return BusSyncAdapter(self)

    def publish_from_thread(self, envelopes: Sequence[Envelope]) -> None:
        """Queue events from a thread other than the bus's loop; returns once they are queued."""
        loop = self._loop
        if loop is None or loop.is_closed():
            raise PublishError("the in-process event bus is not running")
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            raise RuntimeError("in the bus's own loop, await publish_many instead")
        queued = asyncio.run_coroutine_threadsafe(self.publish_many(list(envelopes)), loop)
        try:
            queued.result(timeout=SYNC_QUEUE_TIMEOUT_SECONDS)
        except TimeoutError as error:
            queued.cancel()
            raise PublishError("the in-process event bus did not take the events") from error

    def _enqueue(self, envelopes: Sequence[Envelope]) -> None:
        if self._queue is None:
            raise PublishError("the in-process event bus is not running")
        for envelope in envelopes:
            self._queue.put_nowait(envelope)

    async def _deliver_forever(self, queue: asyncio.Queue[Envelope]) -> None:
        while True:
            envelope = await queue.get()
            try:
                await self._deliver(envelope)
            finally:
                queue.task_done()

    async def _deliver(self, envelope: Envelope) -> None:
        """Hand the event to its handler, retrying a bounded number of times."""
        what = f"event {envelope.event_id} ({envelope.event_type})"
        for attempt in range(1, self._max_attempts + 1):
            try:
                await handle_once(envelope, self._handlers)
                return
            except Exception:
                if attempt == self._max_attempts:
                    log.error("%s failed %d times; given up", what, attempt, exc_info=True)
                    return
                log.warning("%s failed on attempt %d; retrying", what, attempt, exc_info=True)
                await asyncio.sleep(self._retry_delay * attempt)


class BusSyncAdapter:
    """Publish into the bus from a thread other than the bus's loop (the embedded scheduler)."""

    def __init__(self, bus: InProcessBus) -> None:
        self._bus = bus

    def publish(self, envelope: Envelope) -> None:
        """Queue one event."""
        self.publish_many([envelope])

    def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        """Hand the events to the bus's loop; returns once they are queued."""
        self._bus.publish_from_thread(envelopes)

    def close(self) -> None:
        """Nothing to close: the bus owns the queue."""

"""The in-process event bus for the all-in-one process: the broker's place when there is none.

A worker task hands each event to the same handlers the consumer uses, through
:func:`handle_once`. Publishing returns once the events are handled, not merely queued: the queue
lives in memory, so only then may the outbox mark them published. Events a crash interrupts stay
unpublished in the outbox and the relay delivers them after a restart.

Failures are classified as the consumer classifies them (``handling.is_transient``): an outage is
retried with capped backoff for a while (``transient_budget``), a deterministic failure a bounded
number of times; then the publish fails, so the event stays unpublished in the outbox and the
relay hands it over again on its next run, for as long as it takes. Nothing is dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from game_scheduler.messaging.events import Envelope
from game_scheduler.messaging.handling import Handlers, handle_once, is_transient
from game_scheduler.messaging.sync_publisher import PublishError

log = logging.getLogger(__name__)

# How long a sync caller waits for its events to be handled before leaving them to the relay.
SYNC_QUEUE_TIMEOUT_SECONDS = 30.0

_Item = tuple[Envelope, "asyncio.Future[None]"]


class InProcessBus:
    """An AsyncEventPublisher delivering to handlers in this event loop."""

    def __init__(
        self,
        handlers: Handlers,
        *,
        max_attempts: int = 5,
        retry_delay: float = 0.5,
        max_retry_delay: float = 5.0,
        transient_budget: float = 20.0,
    ) -> None:
        self._handlers = handlers
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._transient_budget = transient_budget
        self._queue: asyncio.Queue[_Item] | None = None
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
        """Queue the events in order and wait until each is handled (PublishError if one fails).

        A handler that itself publishes cannot wait for the worker it runs on: from there the
        events are only queued.
        """
        handled = self._enqueue(envelopes)
        if asyncio.current_task() is not self._worker:
            await asyncio.gather(*handled)

    def sync_adapter(self) -> BusSyncAdapter:
        """A SyncPublisher-compatible face for sync code running in other threads."""
        return BusSyncAdapter(self)

    def publish_from_thread(self, envelopes: Sequence[Envelope]) -> None:
        """Publish from a thread other than the bus's loop; returns once they are handled."""
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
            raise PublishError(
                "the in-process event bus did not handle the events in time"
            ) from error

    def _enqueue(self, envelopes: Sequence[Envelope]) -> list[asyncio.Future[None]]:
        queue, loop = self._queue, self._loop
        if queue is None or loop is None:
            raise PublishError("the in-process event bus is not running")
        handled = []
        for envelope in envelopes:
            done = loop.create_future()
            queue.put_nowait((envelope, done))
            handled.append(done)
        return handled

    async def _deliver_forever(self, queue: asyncio.Queue[_Item]) -> None:
        while True:
            envelope, done = await queue.get()
            try:
                await self._deliver(envelope)
            except PublishError as error:
                if not done.done():
                    done.set_exception(error)
            else:
                if not done.done():
                    done.set_result(None)
            finally:
                queue.task_done()

    async def _deliver(self, envelope: Envelope) -> None:
        """Hand the event to its handler; retry outages for a while, other failures a few times."""
        what = f"event {envelope.event_id} ({envelope.event_type})"
        attempt = failures = 0
        started = time.monotonic()
        while True:
            attempt += 1
            try:
                await handle_once(envelope, self._handlers)
                return
            except Exception as error:
                transient = is_transient(error)
                failures += 0 if transient else 1
                if failures >= self._max_attempts:
                    log.error("%s failed %d times; given up", what, failures, exc_info=True)
                    raise PublishError(f"{what} could not be handled") from error
                delay = min(self._retry_delay * 2 ** (attempt - 1), self._max_retry_delay)
                waited = time.monotonic() - started
                if transient and waited + delay > self._transient_budget:
                    log.warning(
                        "%s: outage outlasted %.0f s; left to the outbox relay", what, waited
                    )
                    raise PublishError(f"{what} could not be handled yet: {error!r}") from error
                log.warning(
                    "%s failed on attempt %d (%s); retrying",
                    what,
                    attempt,
                    "transient" if transient else "deterministic",
                    exc_info=not transient,
                )
                await asyncio.sleep(delay)


class BusSyncAdapter:
    """Publish into the bus from a thread other than the bus's loop (the embedded scheduler)."""

    def __init__(self, bus: InProcessBus) -> None:
        self._bus = bus

    def publish(self, envelope: Envelope) -> None:
        """Queue one event."""
        self.publish_many([envelope])

    def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        """Hand the events to the bus's loop; returns once they are handled."""
        self._bus.publish_from_thread(envelopes)

    def close(self) -> None:
        """Nothing to close: the bus owns the queue."""

"""The scheduler's task code on a timer thread, for the all-in-one process (no Celery)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from game_scheduler.config import get_settings
from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.outbox import SyncEventPublisher
from game_scheduler.messaging.relay import relay_outbox
from game_scheduler.models import utcnow
from game_scheduler.scheduler.services.due_reminders import find_due_reminders, group_by_due_time
from game_scheduler.scheduler.services.game_status import advance_game_statuses
from game_scheduler.scheduler.services.notification_service import NotificationService
from game_scheduler.scheduler.services.offer_expiry import expire_lapsed_offers
from game_scheduler.scheduler.services.quorum_checks import check_quorums
from game_scheduler.scheduler.services.retention import purge_old_rows
from game_scheduler.scheduler.services.series import materialise_all

log = logging.getLogger(__name__)


class EmbeddedScheduler:
    """Sends due reminders every tick, moves game statuses and relays the outbox on their intervals.

    The same functions the Celery tasks call; reminders are sent when due rather than enqueued
    with an ETA, so they are at most one tick late.
    """

    def __init__(self, publisher: SyncEventPublisher, *, tick: float | None = None) -> None:
        settings = get_settings()
        self._publisher = publisher
        self._tick = settings.dispatch_interval if tick is None else tick
        self._intervals = {
            self.advance_statuses: settings.update_status_interval,
            self.relay: settings.relay_outbox_interval,
            self.purge: settings.retention_interval,
            self.materialise_series: settings.series_interval,
            self.expire_offers: settings.offer_expiry_interval,
            self.check_quorums: settings.quorum_check_interval,
        }
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="embedded-scheduler", daemon=True)

    def start(self) -> None:
        """Run in a background thread until :meth:`stop`."""
        self._thread.start()

    def stop(self) -> None:
        """Finish the current job, then end the thread.

        Call it off the event loop the publisher delivers on (``asyncio.to_thread``): the job
        may be waiting for that loop to handle its events.
        """
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def send_due_reminders(self) -> int:
        """Send every pending reminder that is due now (overdue ones included)."""
        now = utcnow()
        with get_sync_db_session() as session:
            due = find_due_reminders(session, now, timedelta(0))
        service = NotificationService(self._publisher)
        for _, ids in group_by_due_time(due, now):
            with get_sync_db_session() as session:
                service.send_reminders(session, ids, now)
        return len(due)

    def advance_statuses(self) -> None:
        """Start and complete games whose time has come."""
        with get_sync_db_session() as session:
            advance_game_statuses(session, utcnow(), self._publisher)

    def relay(self) -> None:
        """Publish outbox events the fast path missed."""
        with get_sync_db_session() as session:
            relay_outbox(session, self._publisher)

    def expire_offers(self) -> None:
        """Move lapsed seat offers on to the next player (and end lapsed re-confirmations)."""
        with get_sync_db_session() as session:
            expire_lapsed_offers(session, utcnow(), self._publisher)

    def purge(self) -> None:
        """Delete published events and delivery records older than RETENTION_DAYS."""
        with get_sync_db_session() as session:
            purge_old_rows(session, utcnow(), get_settings().retention_days)

    def materialise_series(self) -> None:
        """Create the series occurrences now in the window, announced like any new game."""
        with get_sync_db_session() as session:
            materialise_all(session, utcnow(), self._publisher)

    def check_quorums(self) -> None:
        """Nudge short games and settle quorum deadlines that have come."""
        with get_sync_db_session() as session:
            check_quorums(session, utcnow(), self._publisher)

    def _run(self) -> None:
        last_run = dict.fromkeys(self._intervals, 0.0)
        while not self._stop.is_set():
            for job in (self.send_due_reminders, *self._intervals):
                if self._stop.is_set():
                    return
                if job in last_run and time.monotonic() - last_run[job] < self._intervals[job]:
                    continue
                try:
                    job()
                except Exception:
                    # The next round retries: rows stay pending until a run succeeds.
                    log.exception("embedded scheduler: %s failed", job.__name__)
                if job in last_run:
                    last_run[job] = time.monotonic()
            self._stop.wait(self._tick)

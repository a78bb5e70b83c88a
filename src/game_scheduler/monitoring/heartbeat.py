"""Each process refreshes a row every ``HEARTBEAT_INTERVAL`` s, so ``status`` can list who is up.

A daemon thread with its own short transactions: the same code serves the async api and bot and
the synchronous worker, and it never holds a connection between beats.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import create_engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from game_scheduler.config import get_settings
from game_scheduler.database import sync_url
from game_scheduler.models import ProcessHeartbeat, utcnow

log = logging.getLogger(__name__)

# Rows of processes gone this long are forgotten (each restart is a new pid, so a new row).
FORGET_AFTER = timedelta(days=1)

_running: dict[tuple[str, int], Heartbeat] = {}
_lock = threading.Lock()


@contextmanager
def _own_session() -> Iterator[Session]:
    """A connection of the heartbeat's own, closed after each beat.

    Not the process's pooled engine: a worker forks pool children while this thread runs, and
    a child must never find that engine's pool locked or its connection in use by this thread.
    """
    url = sync_url(get_settings().database_url)
    sqlite = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
    engine = create_engine(url, poolclass=NullPool, **sqlite)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def record_beat(kind: str, *, now: datetime | None = None, pid: int | None = None) -> None:
    """Upsert this process's row: an update, else an insert (portable to SQLite)."""
    now = now or utcnow()
    host, pid = socket.gethostname(), pid if pid is not None else os.getpid()
    where = (
        ProcessHeartbeat.kind == kind,
        ProcessHeartbeat.host == host,
        ProcessHeartbeat.pid == pid,
    )
    with _own_session() as session:
        found = session.execute(update(ProcessHeartbeat).where(*where).values(last_seen=now))
        if found.rowcount == 0:  # type: ignore[attr-defined]
            session.add(
                ProcessHeartbeat(kind=kind, host=host, pid=pid, started_at=now, last_seen=now)
            )
        try:
            session.commit()
        except IntegrityError:  # another thread of this process inserted it first
            session.rollback()


def forget_old(now: datetime | None = None) -> None:
    """Drop the rows of processes not seen for :data:`FORGET_AFTER`."""
    cutoff = (now or utcnow()) - FORGET_AFTER
    with _own_session() as session:
        session.execute(delete(ProcessHeartbeat).where(ProcessHeartbeat.last_seen < cutoff))
        session.commit()


class Heartbeat:
    """Beats at once, then every ``interval`` seconds until :meth:`stop`."""

    def __init__(self, kind: str, interval: float) -> None:
        self.kind = kind
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat:{kind}", daemon=True)

    def start(self) -> Heartbeat:
        """Start the thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop beating (the row stays, and ages)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            forget_old()
        except Exception:
            log.warning("heartbeat: could not forget old rows", exc_info=True)
        while True:
            try:
                record_beat(self.kind)
            except Exception:  # the database is down: status shows us as not seen; keep trying
                log.warning("heartbeat (%s) not recorded", self.kind, exc_info=True)
            if self._stop.wait(self.interval):
                return


def start_heartbeat(kind: str) -> Heartbeat:
    """This process's heartbeat of ``kind``, started once (a forked child starts its own)."""
    key = (kind, os.getpid())
    with _lock:
        beat = _running.get(key)
        if beat is None:
            beat = _running[key] = Heartbeat(kind, get_settings().heartbeat_interval).start()
        return beat


def stop_heartbeat(kind: str) -> None:
    """Stop this process's heartbeat of ``kind`` (tests, clean shutdown)."""
    with _lock:
        beat = _running.pop((kind, os.getpid()), None)
    if beat is not None:
        beat.stop()

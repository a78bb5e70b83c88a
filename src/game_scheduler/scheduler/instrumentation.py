"""The worker's metrics, log context, heartbeat and health, hooked in through Celery's signals.

Listed in the app's ``include``, so every worker (the test harness's too) connects these
receivers and adds its bootstep before it sets up logging and builds its blueprint. Task
timings and reminder outcomes are recorded in the process that ran the task (a prefork child
writes to ``PROMETHEUS_MULTIPROC_DIR``); ``/metrics`` and ``/healthz`` are served by the
worker's main process on ``WORKER_METRICS_PORT``.
"""

from __future__ import annotations

import logging
import os
import time
from contextvars import Token
from typing import Any

from celery import Task, bootsteps
from celery.signals import (
    beat_init,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_process_shutdown,
)

from game_scheduler.config import get_settings
from game_scheduler.monitoring.collectors import scrape_collectors
from game_scheduler.monitoring.heartbeat import record_beat, start_heartbeat, stop_heartbeat
from game_scheduler.monitoring.probes import broker_reachable, database_reachable
from game_scheduler.observability import metrics
from game_scheduler.observability.logs import bind_context, configure_logging, reset_context
from game_scheduler.observability.server import MetricsServer
from game_scheduler.scheduler.celery_app import RELAY_OUTBOX, SEND_NOTIFICATION, app

log = logging.getLogger(__name__)

_started: dict[str, tuple[float, dict[str, Token[str | None]]]] = {}
_server: list[MetricsServer] = []


def worker_health() -> dict[str, bool]:
    """The worker can do its work when it reaches both the broker and the database."""
    return {
        "database": database_reachable(),
        "broker": broker_reachable(get_settings().rabbitmq_url),
    }


def metrics_port() -> int | None:
    """The port this worker serves /metrics and /healthz on, if it does."""
    return _server[0].port if _server else None


@setup_logging.connect
def _configure_logging(**_: Any) -> None:
    """Our format (LOG_FORMAT) and redaction instead of Celery's own root-logger setup."""
    configure_logging(get_settings())


@task_prerun.connect
def _task_started(task_id: str, task: Task[Any, Any], args: Any = None, **_: Any) -> None:
    fields: dict[str, object] = {}
    if task.name == SEND_NOTIFICATION and args:
        ids = args[0]
        fields["reminder_id"] = ",".join(map(str, ids)) if isinstance(ids, list) else ids
    _started[task_id] = (time.perf_counter(), bind_context(**fields))


@task_postrun.connect
def _task_finished(
    task_id: str, task: Task[Any, Any], retval: Any = None, state: str | None = None, **_: Any
) -> None:
    started, tokens = _started.pop(task_id, (None, {}))
    try:
        if started is not None:
            metrics.celery_task_seconds.labels(task.name, state or "UNKNOWN").observe(
                time.perf_counter() - started
            )
        if task.name == SEND_NOTIFICATION and isinstance(retval, dict):
            for outcome, count in retval.items():
                metrics.reminders_total.labels(str(outcome)).inc(int(count))
        if task.name == RELAY_OUTBOX and state == "SUCCESS":
            try:
                record_beat("relay")
            except Exception:
                log.warning("could not record the relay run", exc_info=True)
    finally:
        reset_context(tokens)


class WorkerMonitoring:
    """The heartbeat and, with ``WORKER_METRICS_PORT``, the metrics/health endpoint."""

    def start(self) -> None:
        settings = get_settings()
        start_heartbeat("worker")
        if settings.worker_metrics_port is not None and not _server:
            _server.append(
                MetricsServer(
                    settings.metrics_host,
                    settings.worker_metrics_port,
                    health=worker_health,
                    collectors=scrape_collectors(),
                ).start()
            )

    def stop(self) -> None:
        stop_heartbeat("worker")
        while _server:
            _server.pop().stop()


class MonitoringStep(bootsteps.StartStopStep):
    """A worker bootstep: started with the worker, stopped on warm and cold shutdown alike.

    It starts after the pool, so its threads never run while the prefork pool forks its first
    children (a lock held by a thread at fork time stays held in the child).
    """

    requires = ("celery.worker.components:Pool",)

    def create(self, parent: Any) -> WorkerMonitoring:  # type: ignore[override]
        """Celery keeps what this returns as ``obj`` and starts and stops it."""
        return WorkerMonitoring()


app.steps["worker"].add(MonitoringStep)


@worker_process_shutdown.connect
def _pool_child_stopped(pid: int | None = None, **_: Any) -> None:
    metrics.mark_process_dead(pid or os.getpid())


@beat_init.connect
def _beat_started(**_: Any) -> None:
    start_heartbeat("beat")

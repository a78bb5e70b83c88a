"""The Prometheus metrics every process records, defined once so names never drift.

Values live in this process, or in ``PROMETHEUS_MULTIPROC_DIR`` when set (prometheus-client's
multiprocess mode, needed where a process forks: uvicorn ``--workers``, Celery's prefork pool).
Gauges read from the database or the broker are not here: collectors compute them at scrape time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Lateness is seconds to tens of minutes when something is wrong, sub-second when all is well.
LATENESS_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

reminder_lateness_seconds = Histogram(
    "reminder_lateness_seconds",
    "DM handed to Discord minus when it was due (reminders: the start's whole second minus the "
    "offset; other DMs: when their event happened), by DM kind",
    ["kind"],
    buckets=LATENESS_BUCKETS,
)
reminders_total = Counter(
    "reminders_total",
    "Reminders the scheduler processed, by outcome (sent, skipped, not_due, ...)",
    ["outcome"],
)
bot_events_handled_total = Counter(
    "bot_events_handled_total",
    "Events the bot's handlers ran, by event type and outcome (ok, error)",
    ["type", "outcome"],
)
bot_event_handling_seconds = Histogram(
    "bot_event_handling_seconds",
    "Time a bot handler took for one event, by event type",
    ["type"],
    buckets=DURATION_BUCKETS,
)
discord_requests_total = Counter(
    "discord_requests_total",
    "HTTP requests to Discord's REST API, each attempt, by route template and status (429 too)",
    ["route", "status"],
)
dm_delivery_total = Counter(
    "dm_delivery_total",
    "Direct-message attempts by outcome (sent, dm_closed, undeliverable, error, fallback_*)",
    ["outcome"],
)
http_request_seconds = Histogram(
    "http_request_seconds",
    "HTTP requests served by the api, by method, route template and status",
    ["method", "route", "status"],
    buckets=DURATION_BUCKETS,
)
celery_task_seconds = Histogram(
    "celery_task_seconds",
    "Time a scheduler task ran, by task name and state",
    ["task", "state"],
    buckets=DURATION_BUCKETS,
)


def multiprocess_dir() -> str | None:
    """prometheus-client reads this variable itself (at import); we only follow its choice."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render(extra: Iterable[Collector] = ()) -> bytes:
    """The exposition text: this process's metrics (or all processes') plus scrape-time ones."""
    if multiprocess_dir() is not None:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    collectors = list(extra)
    if collectors:
        scraped = CollectorRegistry(auto_describe=False)
        for collector in collectors:
            scraped.register(collector)
        text += generate_latest(scraped)
    return text


def mark_process_dead(pid: int) -> None:
    """A forked child that exits leaves files behind; drop its live gauges (none here yet)."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]

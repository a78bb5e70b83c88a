"""Gauges computed when Prometheus scrapes: from the database and the broker, never stale."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from game_scheduler.config import get_settings
from game_scheduler.database import get_sync_db_session
from game_scheduler.models import utcnow
from game_scheduler.monitoring.probes import BrokerUnreachable, dead_letter_count
from game_scheduler.monitoring.snapshot import read_store

log = logging.getLogger(__name__)


def _source_up(source: str, up: bool) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "monitoring_source_up",
        "Whether the scrape-time gauges could read their source (database, broker)",
        labels=["source"],
    )
    family.add_metric([source], 1.0 if up else 0.0)
    return family


class StoreCollector(Collector):
    """``outbox_backlog``, ``outbox_oldest_age_seconds`` and the reminder counts, per scrape."""

    def collect(self) -> Iterator[Metric]:
        try:
            with get_sync_db_session() as session:
                snap = read_store(session, utcnow())
        except Exception:
            log.warning("metrics: database unreachable", exc_info=True)
            yield _source_up("database", False)
            return
        yield _source_up("database", True)
        yield GaugeMetricFamily(
            "outbox_backlog", "Outbox events not yet published", value=snap.outbox_backlog
        )
        yield GaugeMetricFamily(
            "outbox_oldest_age_seconds",
            "Age of the oldest unpublished outbox event (0 when none)",
            value=snap.outbox_oldest_age_seconds,
        )
        yield GaugeMetricFamily(
            "reminders_overdue",
            "Pending reminders more than a minute past their due time (should be 0)",
            value=snap.reminders_overdue,
        )
        yield GaugeMetricFamily(
            "reminders_due_next_hour",
            "Pending reminders due within the next hour",
            value=snap.reminders_next_hour,
        )


class DeadLetterCollector(Collector):
    """``dead_letter_messages``: the dead-letter queue's depth, by a passive declare."""

    def __init__(self, url: str | None = None) -> None:
        self._url = url

    def collect(self) -> Iterator[Metric]:
        try:
            depth = dead_letter_count(self._url or get_settings().rabbitmq_url)
        except BrokerUnreachable:
            log.warning("metrics: broker unreachable", exc_info=True)
            yield _source_up("broker", False)
            return
        yield _source_up("broker", True)
        yield GaugeMetricFamily(
            "dead_letter_messages", "Messages in the dead-letter queue", value=depth
        )


def scrape_collectors() -> list[Collector]:
    """The database and broker gauges, for the process that serves them (api, worker)."""
    return [StoreCollector(), DeadLetterCollector()]

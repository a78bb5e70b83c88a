"""The api's /metrics: request latency by route template, and the database and broker gauges."""

from collections.abc import Iterator
from datetime import timedelta

import pytest

from game_scheduler.observability import metrics
from tests.support.amqp import Tap
from tests.support.metrics import names, parse, value
from tests.support.monitoring import (
    closed_port,
    dead_letter,
    empty_dead_letters,
    write_unpublished,
)


@pytest.fixture
def broker(rabbitmq_url, configure) -> Iterator[Tap]:
    configure(rabbitmq_url=rabbitmq_url)
    with empty_dead_letters(rabbitmq_url) as t:
        yield t


async def _scrape(client):
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == metrics.CONTENT_TYPE
    return parse(response.text)


async def test_requests_are_timed_by_route_template_not_raw_path(client, db_url):
    before = await _scrape(client)
    for game_id in (101, 202):
        await client.get(f"/api/v1/games/{game_id}")
    await client.get("/no/such/page")

    after = await _scrape(client)
    route = {"method": "GET", "route": "/api/v1/games/{game_id}"}
    statuses = {
        labels
        for name, labels in after
        if name == "http_request_seconds_count" and ("route", route["route"]) in labels
    }
    assert statuses, "no sample for the route template"
    counted = sum(
        value(after, "http_request_seconds_count", **dict(labels)) for labels in statuses
    ) - sum(value(before, "http_request_seconds_count", **dict(labels)) for labels in statuses)
    assert counted == 2
    assert not [labels for name, labels in after if ("route", "/api/v1/games/101") in labels]
    assert (
        value(after, "http_request_seconds_count", method="GET", route="unmatched", status="404")
        >= 1
    )


async def test_backlog_gauges_reflect_unpublished_rows(client, db_url, broker):
    write_unpublished(3, timedelta(minutes=2))

    samples = await _scrape(client)

    assert value(samples, "outbox_backlog") == 3
    assert value(samples, "outbox_oldest_age_seconds") >= 120
    assert value(samples, "monitoring_source_up", source="database") == 1


async def test_dead_letters_are_counted(client, db_url, broker):
    dead_letter(broker, 3)

    samples = await _scrape(client)

    assert value(samples, "dead_letter_messages") == 3
    assert value(samples, "monitoring_source_up", source="broker") == 1


async def test_an_unreachable_broker_shows_as_a_source_down(client, db_url, configure):
    configure(rabbitmq_url=f"amqp://guest:guest@127.0.0.1:{closed_port()}/")

    samples = await _scrape(client)

    assert value(samples, "monitoring_source_up", source="broker") == 0
    assert "dead_letter_messages" not in names(samples)
    assert "outbox_backlog" in names(samples)

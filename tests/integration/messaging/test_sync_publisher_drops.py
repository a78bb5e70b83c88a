"""A dropped or idle publisher connection is replaced quietly: the next publish works, no ERROR.

RabbitMQ drops a pika connection nobody used for two heartbeat intervals; the worker then
logged ERROR tracebacks although it reconnected and lost nothing.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from game_scheduler.messaging import sync_publisher
from game_scheduler.messaging.sync_publisher import SyncPublisher
from tests.support.amqp import close_connections, tap
from tests.support.events import send_dm
from tests.support.tcp_proxy import TcpProxy


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_connection_the_broker_closed_is_replaced_without_an_error(rabbitmq_url, caplog):
    publisher = SyncPublisher(rabbitmq_url)
    with caplog.at_level(logging.INFO):
        publisher.publish(send_dm(1))
        close_connections(rabbitmq_url)
        time.sleep(1)  # the broker's Connection.Close is waiting unread on the socket
        with tap(rabbitmq_url) as t:
            second = send_dm(2)
            publisher.publish(second)
            assert t.message_ids() == [str(second.event_id)]
    publisher.close()
    assert errors(caplog) == []
    assert "reconnecting once" in caplog.text


def test_a_connection_reset_under_it_is_replaced_without_an_error(rabbitmq_url, caplog):
    parts = urlsplit(rabbitmq_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    through_proxy = urlunsplit(parts._replace(netloc=f"guest:guest@127.0.0.1:{proxy.port}"))
    publisher = SyncPublisher(through_proxy)
    try:
        with caplog.at_level(logging.INFO), tap(rabbitmq_url) as t:
            first, second = send_dm(1), send_dm(2)
            publisher.publish(first)
            proxy.cut()  # what the broker does to a connection that missed its heartbeats
            proxy.restore()
            publisher.publish(second)
            assert t.message_ids() == [str(first.event_id), str(second.event_id)]
    finally:
        publisher.close()
        proxy.close()
    assert errors(caplog) == []
    assert "Traceback" not in caplog.text


def test_an_idle_connection_is_replaced_before_the_broker_drops_it(
    rabbitmq_url, caplog, monkeypatch
):
    monkeypatch.setattr(sync_publisher, "IDLE_RECONNECT_SECONDS", 0.0)
    publisher = SyncPublisher(rabbitmq_url)
    with caplog.at_level(logging.DEBUG, logger=sync_publisher.__name__), tap(rabbitmq_url) as t:
        publisher.publish(send_dm(1))
        publisher.publish(send_dm(2))
        assert len(t.message_ids()) == 2
    publisher.close()
    assert "idle since its last heartbeat; replacing it" in caplog.text
    assert errors(caplog) == []

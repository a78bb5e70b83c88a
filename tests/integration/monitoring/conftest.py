"""RABBITMQ_URL on the session's vhost, with an empty dead-letter queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.amqp import Tap
from tests.support.monitoring import empty_dead_letters


@pytest.fixture
def broker(rabbitmq_url: str, configure) -> Iterator[Tap]:
    """RABBITMQ_URL set to the session's vhost; its dead-letter queue empty before and after."""
    configure(rabbitmq_url=rabbitmq_url)
    with empty_dead_letters(rabbitmq_url) as t:
        yield t

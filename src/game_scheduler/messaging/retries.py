"""When a failed event is tried again, and when it is given up: the consumer's rules, no I/O.

An outage (a transient failure) is waited out for as long as it lasts; only a handler that fails
deterministically uses up the bound and ends in the dead-letter queue. Each attempt waits in a
retry queue of fixed delay, one step further along the ladder, up to its last (the cap).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Headers the consumer adds to the copies it sends to a retry queue or the dead-letter queue.
ATTEMPTS_HEADER = "x-gs-attempts"  # failed deliveries so far, of any kind: the backoff step
FAILURES_HEADER = "x-gs-failures"  # deterministic failures so far: the bound
ROUTING_KEY_HEADER = "x-gs-routing-key"  # the routing key it was first published with
ERROR_HEADER = "x-gs-error"  # why it was dead-lettered
DEAD_LETTERED_AT_HEADER = "x-gs-dead-lettered-at"  # when (UTC, ISO 8601)

# Headers a broker or this consumer added on the way: a replayed message leaves them behind.
ADDED_HEADER_PREFIXES = ("x-gs-", "x-death", "x-first-death-", "x-last-death-", "x-delivery-count")

DEFAULT_DELAYS = (1.0, 5.0, 30.0, 120.0, 300.0)


@dataclass(frozen=True)
class Retry:
    """Send a copy to the retry queue of this delay, with these counts."""

    delay: float
    attempts: int
    failures: int


@dataclass(frozen=True)
class DeadLetter:
    """Give up: the handler failed deterministically more often than the bound allows."""

    failures: int


Decision = Retry | DeadLetter


def header_count(headers: Mapping[str, Any] | None, name: str) -> int:
    """A non-negative count header (0 when absent or not a number)."""
    value = (headers or {}).get(name, 0)
    return value if isinstance(value, int) and value >= 0 else 0


@dataclass(frozen=True)
class RetryPolicy:
    """Capped backoff over a ladder of fixed delays; a bound on deterministic failures only."""

    delays: Sequence[float] = DEFAULT_DELAYS
    max_failures: int = 5

    def __post_init__(self) -> None:
        if not self.delays or any(d <= 0 for d in self.delays):
            raise ValueError("retry delays must be positive, at least one")
        if list(self.delays) != sorted(self.delays):
            raise ValueError("retry delays must not decrease")

    def delay_for(self, attempt: int) -> float:
        """The wait before attempt ``attempt + 1`` (``attempt`` counts from 1), capped."""
        return self.delays[min(max(attempt, 1), len(self.delays)) - 1]

    def decide(self, headers: Mapping[str, Any] | None, *, transient: bool) -> Decision:
        """What to do with a delivery that just failed, given the counts it carried."""
        attempts = header_count(headers, ATTEMPTS_HEADER) + 1
        failures = header_count(headers, FAILURES_HEADER) + (0 if transient else 1)
        if failures > self.max_failures:
            return DeadLetter(failures)
        return Retry(self.delay_for(attempts), attempts, failures)


def original_headers(headers: Mapping[str, Any] | None) -> dict[str, Any]:
    """The headers as first published, without what brokers and retries added."""
    return {k: v for k, v in (headers or {}).items() if not k.startswith(ADDED_HEADER_PREFIXES)}

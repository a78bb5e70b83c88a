"""The consumer's retry rules: outages never use up the bound, bugs do."""

import pytest

from game_scheduler.messaging.retries import (
    ATTEMPTS_HEADER,
    FAILURES_HEADER,
    DeadLetter,
    Retry,
    RetryPolicy,
    original_headers,
)

POLICY = RetryPolicy(delays=(1.0, 5.0, 30.0, 120.0, 300.0), max_failures=5)


def run(policy, outcomes):
    """Feed a sequence of failures (True: transient) through the policy as the consumer does."""
    headers: dict = {}
    decisions = []
    for transient in outcomes:
        decision = policy.decide(headers, transient=transient)
        decisions.append(decision)
        if isinstance(decision, DeadLetter):
            break
        headers = {ATTEMPTS_HEADER: decision.attempts, FAILURES_HEADER: decision.failures}
    return decisions


def test_a_long_outage_is_never_dead_lettered_and_backs_off_to_the_cap():
    decisions = run(POLICY, [True] * 1000)
    assert all(isinstance(d, Retry) for d in decisions)
    assert [d.delay for d in decisions[:7]] == [1.0, 5.0, 30.0, 120.0, 300.0, 300.0, 300.0]
    assert decisions[-1] == Retry(300.0, 1000, 0)


def test_deterministic_failures_are_dead_lettered_after_the_bound():
    decisions = run(POLICY, [False] * 10)
    assert [type(d) for d in decisions] == [Retry] * 5 + [DeadLetter]
    assert decisions[-1] == DeadLetter(6)


def test_outages_between_failures_do_not_count():
    decisions = run(POLICY, [True] * 50 + [False] * 5 + [True] * 50 + [False])
    assert [type(d) for d in decisions].count(DeadLetter) == 1
    assert len(decisions) == 106


def test_bad_headers_count_as_none():
    assert POLICY.decide({ATTEMPTS_HEADER: "x", FAILURES_HEADER: -3}, transient=False) == Retry(
        1.0, 1, 1
    )


@pytest.mark.parametrize("delays", [(), (0.0,), (5.0, 1.0)])
def test_a_ladder_must_be_positive_and_rising(delays):
    with pytest.raises(ValueError, match="retry delays"):
        RetryPolicy(delays=delays)


def test_replay_keeps_only_the_headers_first_published():
    headers = {"x-death": [], "x-gs-attempts": 3, "x-first-death-reason": "x", "keep": "me"}
    assert original_headers(headers) == {"keep": "me"}

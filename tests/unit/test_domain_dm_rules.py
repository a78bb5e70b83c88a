"""Whether a queued DM still holds when the bot is about to send it, and the per-user limit."""

from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.domain import dm_rules
from game_scheduler.domain.dm_rules import GameNow, expiry_reason, is_rate_limited
from game_scheduler.domain.status import GameStatus

HOST, SEATED, WAITING, STRANGER = 1, 2, 3, 4
START = 1_900_000_000


def game(status: GameStatus = GameStatus.SCHEDULED, starts_at: int = START) -> GameNow:
    return GameNow(
        status=status,
        starts_at=starts_at,
        host_id=HOST,
        confirmed_ids=frozenset({SEATED}),
        waitlisted_ids=frozenset({WAITING}),
    )


@pytest.mark.parametrize("recipient", [HOST, SEATED])
def test_a_reminder_for_a_scheduled_game_holds_for_the_host_and_seated_players(recipient):
    assert expiry_reason(dm_rules.REMINDER, START, recipient, game()) is None


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (GameStatus.CANCELLED, "the game is cancelled"),
        (GameStatus.IN_PROGRESS, "the game is in progress"),
        (GameStatus.COMPLETED, "the game is completed"),
    ],
)
def test_nothing_but_the_cancellation_holds_once_the_game_left_scheduled(status, reason):
    for kind in (dm_rules.REMINDER, dm_rules.RESCHEDULED, dm_rules.WAITLIST_PROMOTION):
        assert expiry_reason(kind, START, SEATED, game(status)) == reason


def test_a_cancellation_holds_only_for_a_cancelled_game():
    assert expiry_reason(dm_rules.CANCELLATION, START, SEATED, game(GameStatus.CANCELLED)) is None
    assert (
        expiry_reason(dm_rules.CANCELLATION, START, SEATED, game()) == "the game is not cancelled"
    )


def test_nothing_holds_for_a_game_that_is_gone():
    assert expiry_reason(dm_rules.REMINDER, START, SEATED, None) == "the game no longer exists"


def test_a_reminder_for_an_old_start_time_or_a_player_not_seated_expires():
    moved = game(starts_at=START + 3600)
    assert expiry_reason(dm_rules.REMINDER, START, SEATED, moved) == (
        "the game was rescheduled since"
    )
    for recipient in (WAITING, STRANGER):
        assert expiry_reason(dm_rules.REMINDER, START, recipient, game()) == (
            "the recipient is no longer a confirmed player"
        )


def test_only_the_latest_reschedule_holds_and_only_for_someone_still_in_the_game():
    moved = game(starts_at=START + 3600)
    assert expiry_reason(dm_rules.RESCHEDULED, START + 3600, WAITING, moved) is None
    assert expiry_reason(dm_rules.RESCHEDULED, START, SEATED, moved) == (
        "the game was rescheduled again since"
    )
    assert expiry_reason(dm_rules.RESCHEDULED, START, STRANGER, game()) == (
        "the recipient left the game"
    )


def test_a_promotion_holds_while_seated_even_after_a_reschedule():
    assert expiry_reason(dm_rules.WAITLIST_PROMOTION, START, SEATED, game(starts_at=1)) is None
    assert expiry_reason(dm_rules.WAITLIST_PROMOTION, START, WAITING, game()) == (
        "the recipient is no longer a confirmed player"
    )


def test_a_removal_expires_once_the_player_is_back_in_the_game():
    assert expiry_reason(dm_rules.REMOVED, START, STRANGER, game()) is None
    assert expiry_reason(dm_rules.REMOVED, START, WAITING, game()) == (
        "the recipient re-joined the game since"
    )


def test_an_unknown_kind_holds_while_the_game_is_scheduled():
    assert expiry_reason("demoted", START, WAITING, game()) is None


def test_the_fourth_dm_within_an_hour_is_limited_but_reminders_and_cancellations_never():
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    three = [now - timedelta(minutes=m) for m in (1, 20, 59)]
    assert is_rate_limited(dm_rules.RESCHEDULED, three, now)
    assert not is_rate_limited(dm_rules.RESCHEDULED, three[:2], now)
    assert not is_rate_limited(dm_rules.REMOVED, [*three[:2], now - timedelta(minutes=61)], now)
    assert not is_rate_limited(dm_rules.REMINDER, three * 3, now)
    assert not is_rate_limited(dm_rules.CANCELLATION, three * 3, now)


def test_a_demotion_holds_only_while_the_player_waits():
    assert expiry_reason(dm_rules.DEMOTED, START, WAITING, game()) is None
    assert expiry_reason(dm_rules.DEMOTED, START, SEATED, game()) == (
        "the recipient is no longer on the waitlist"
    )


def test_a_carry_over_notice_holds_only_while_the_player_keeps_the_seat():
    assert expiry_reason(dm_rules.CARRIED_OVER, START, SEATED, game()) is None
    assert expiry_reason(dm_rules.CARRIED_OVER, START, STRANGER, game()) == (
        "the recipient is no longer a confirmed player"
    )
    assert expiry_reason(dm_rules.CARRIED_OVER, START, SEATED, game(GameStatus.CANCELLED))


def test_a_game_is_on_dm_is_not_sent_for_a_cancelled_game():
    assert expiry_reason(dm_rules.QUORUM_ON, START, SEATED, game()) is None
    assert expiry_reason(dm_rules.QUORUM_ON, START, WAITING, game()) is not None
    cancelled = game(GameStatus.CANCELLED)
    assert expiry_reason(dm_rules.QUORUM_ON, START, SEATED, cancelled) == "the game is cancelled"


def test_a_quorum_cancellation_holds_only_for_a_cancelled_game():
    cancelled = game(GameStatus.CANCELLED)
    assert expiry_reason(dm_rules.QUORUM_CANCELLED, START, WAITING, cancelled) is None
    assert expiry_reason(dm_rules.QUORUM_CANCELLED, START, SEATED, game()) == (
        "the game is not cancelled"
    )


def test_the_host_question_holds_only_for_the_host_of_a_scheduled_game():
    assert expiry_reason(dm_rules.QUORUM_ASK_HOST, START, HOST, game()) is None
    assert expiry_reason(dm_rules.QUORUM_ASK_HOST, START, SEATED, game()) is not None
    assert expiry_reason(dm_rules.QUORUM_ASK_HOST, START, HOST, game(GameStatus.CANCELLED))

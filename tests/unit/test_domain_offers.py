"""The seat-offer rules: window length, who keeps the seat, offer mode, and DMs checked at send."""

from datetime import UTC, datetime, timedelta

import pytest

from game_scheduler.domain import dm_rules, notices
from game_scheduler.domain.notices import DmKind, Notice
from game_scheduler.domain.offers import (
    WINDOW_FLOOR,
    OfferKind,
    Outcome,
    SeatMode,
    answer_window,
    check_seat_setting,
    keeps_seat,
)
from game_scheduler.domain.status import GameStatus
from game_scheduler.errors import ValidationError

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("window", "starts_in", "expected"),
    [
        (30, timedelta(hours=3), timedelta(minutes=30)),  # plenty of time: the whole window
        (30, timedelta(minutes=40), timedelta(minutes=20)),  # half the time left
        (30, timedelta(minutes=1), WINDOW_FLOOR),  # never below the floor
    ],
)
def test_answer_window(window, starts_in, expected):
    assert answer_window(window, NOW, NOW + starts_in) == expected


@pytest.mark.parametrize(
    ("kind", "outcome", "frees", "keeps"),
    [
        (OfferKind.SEAT, Outcome.ACCEPTED, False, True),
        (OfferKind.SEAT, Outcome.DECLINED, False, False),
        (OfferKind.SEAT, Outcome.EXPIRED, False, False),
        (OfferKind.RECONFIRM, Outcome.ACCEPTED, True, True),
        (OfferKind.RECONFIRM, Outcome.DECLINED, False, False),
        (OfferKind.RECONFIRM, Outcome.EXPIRED, False, True),
        (OfferKind.RECONFIRM, Outcome.EXPIRED, True, False),
    ],
)
def test_who_keeps_the_seat(kind, outcome, frees, keeps):
    assert keeps_seat(kind, outcome, silence_frees_seat=frees) is keeps


def test_offer_mode_turns_promotions_into_offers_and_instant_keeps_them():
    given = [Notice("b", DmKind.WAITLIST_PROMOTION), Notice("c", DmKind.DEMOTED, 1)]
    assert notices.in_seat_mode(given, SeatMode.INSTANT) == given
    assert notices.in_seat_mode(given, SeatMode.OFFER) == [
        Notice("b", DmKind.SEAT_OFFER),
        Notice("c", DmKind.DEMOTED, 1),
    ]


def test_reconfirmation_asks_the_confirmed_only():
    assert notices.after_reschedule_with_reconfirm(["a", "b", "c"], 2) == [
        Notice("a", DmKind.RECONFIRM),
        Notice("b", DmKind.RECONFIRM),
    ]


def _game(status=GameStatus.SCHEDULED, offers=frozenset({7})):
    return dm_rules.GameNow(status, 100, 1, frozenset({2}), frozenset({3}), offers)


@pytest.mark.parametrize("kind", [DmKind.SEAT_OFFER, DmKind.RECONFIRM])
def test_an_offer_dm_goes_only_while_its_offer_is_open(kind):
    assert dm_rules.expiry_reason(kind, 100, 2, _game(), offer_id=7) is None
    assert dm_rules.expiry_reason(kind, 100, 2, _game(offers=frozenset()), offer_id=7) == (
        "the offer is no longer open"
    )
    assert dm_rules.expiry_reason(kind, 100, 2, _game(GameStatus.CANCELLED), offer_id=7) == (
        "the game is cancelled"
    )


def test_a_lapse_dm_is_dropped_when_the_player_joined_again():
    assert dm_rules.expiry_reason(DmKind.OFFER_LAPSED, 100, 9, _game()) is None
    assert dm_rules.expiry_reason(DmKind.OFFER_LAPSED, 100, 3, _game()) is not None


def test_offer_dms_are_not_rate_limited():
    recent = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert not dm_rules.is_rate_limited(DmKind.SEAT_OFFER, recent, NOW)
    assert dm_rules.is_rate_limited(DmKind.SEAT_SUMMARY, recent, NOW)


@pytest.mark.parametrize(
    ("field", "value"),
    [("seat_mode", "sometimes"), ("offer_window_minutes", 0), ("reconfirm_frees_seat", "yes")],
)
def test_bad_seat_settings_name_their_field(field, value):
    with pytest.raises(ValidationError) as raised:
        check_seat_setting(field, value)
    assert raised.value.field == field


def test_seat_settings_accept_good_values_and_none():
    assert check_seat_setting("seat_mode", "offer") == "offer"
    assert check_seat_setting("offer_window_minutes", 45) == 45
    assert check_seat_setting("reconfirm_frees_seat", None) is None

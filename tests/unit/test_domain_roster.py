"""Moving players between seat and waitlist, and who is told: pure rules."""

import pytest

from game_scheduler.domain import roster
from game_scheduler.domain.notices import DmKind, Notice, after_move
from game_scheduler.errors import ValidationError


def test_seat_takes_the_last_seat_and_its_holder_waits_first():
    order = ["a", "b", "c", "d", "e"]
    after = roster.moved(order, 2, "d", roster.SEAT)
    assert after == ["a", "d", "b", "c", "e"]
    assert after_move(order, after, 2) == [
        Notice("d", DmKind.WAITLIST_PROMOTION),
        Notice("b", DmKind.DEMOTED, 1),
    ]


def test_waitlist_puts_the_player_first_in_line_and_seats_the_first_waiting():
    order = ["a", "b", "c", "d"]
    after = roster.moved(order, 2, "a", roster.WAITLIST)
    assert after == ["b", "c", "a", "d"]
    assert after_move(order, after, 2) == [
        Notice("c", DmKind.WAITLIST_PROMOTION),
        Notice("a", DmKind.DEMOTED, 1),
    ]


@pytest.mark.parametrize(
    ("order", "who", "to", "message"),
    [
        (["a", "b", "c"], "a", roster.SEAT, "already has a seat"),
        (["a", "b", "c"], "c", roster.WAITLIST, "already on the waitlist"),
        (["a", "b"], "a", roster.WAITLIST, "nobody to give this seat to"),
        (["a", "b", "c"], "c", "bench", "'seat' or 'waitlist'"),
    ],
)
def test_moves_that_change_nothing_are_refused_on_the_to_field(order, who, to, message):
    with pytest.raises(ValidationError, match=message) as caught:
        roster.moved(order, 2, who, to)
    assert caught.value.field == "to"

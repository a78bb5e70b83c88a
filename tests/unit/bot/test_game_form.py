"""The hosting replies: seats read from the modal, every problem listed by its Discord name."""

import pytest

from game_scheduler.bot.game_form import parse_seats, problems_text
from game_scheduler.errors import NotAllowed, ValidationError


def test_seats_blank_inherits_and_digits_count():
    assert parse_seats("  ") is None
    assert parse_seats(" 6 ") == 6


@pytest.mark.parametrize("typed", ["six", "-1", "2.5", "12345"])
def test_other_seats_are_refused_as_seats(typed):
    with pytest.raises(ValidationError) as caught:
        parse_seats(typed)
    assert caught.value.field == "max_players"


def test_problems_are_listed_one_per_line_with_the_modal_names():
    error = ValidationError.of(
        [("scheduled_at", "start time must be in the future"), ("max_players", "too many")]
    )
    assert problems_text(error, "Not posted:") == (
        "Not posted:\n• when: start time must be in the future\n• seats: too many"
    )


def test_a_single_error_is_one_sentence():
    text = problems_text(NotAllowed("you need a host role"), "Not posted:")
    assert text == "Not posted:\n• You need a host role."

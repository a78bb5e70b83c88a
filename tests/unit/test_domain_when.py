"""The four "when" forms, read in the host's zone with a fixed now, across DST changes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from game_scheduler.domain.when import parse_when
from game_scheduler.errors import ValidationError

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# Saturday 2026-03-28 12:00 in Berlin (CET, UTC+1); clocks go to CEST (UTC+2) on Sunday 02:00.
BERLIN_EVE = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)
# Saturday 2026-10-31 12:00 in New York (EDT, UTC-4); clocks go to EST (UTC-5) on Sunday 02:00.
NEW_YORK_EVE = datetime(2026, 10, 31, 12, 0, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("text", "zone", "now", "expected"),
    [
        ("2026-12-05 20:00", BERLIN, BERLIN_EVE, utc(2026, 12, 5, 19, 0)),
        ("2026-07-05 20:00", BERLIN, BERLIN_EVE, utc(2026, 7, 5, 18, 0)),
        # "tomorrow" is after the spring change: 20:00 CEST, not 20:00 CET.
        ("tomorrow 8pm", BERLIN, BERLIN_EVE, utc(2026, 3, 29, 18, 0)),
        ("fri 20:00", BERLIN, BERLIN_EVE, utc(2026, 4, 3, 18, 0)),
        ("in 2h", BERLIN, BERLIN_EVE, utc(2026, 3, 28, 13, 0)),
        ("tomorrow 8pm", NEW_YORK, NEW_YORK_EVE, utc(2026, 11, 2, 1, 0)),
        ("fri 20:00", NEW_YORK, NEW_YORK_EVE, utc(2026, 11, 7, 1, 0)),
        ("2026-12-05 20:00", NEW_YORK, NEW_YORK_EVE, utc(2026, 12, 6, 1, 0)),
        ("in 2h", NEW_YORK, NEW_YORK_EVE, utc(2026, 10, 31, 18, 0)),
        ("  Tomorrow   8PM ", NEW_YORK, NEW_YORK_EVE, utc(2026, 11, 2, 1, 0)),
    ],
)
def test_each_form_is_read_in_the_zone(text, zone, now, expected):
    assert parse_when(text, zone, now) == expected


def test_a_delay_is_real_elapsed_time_across_the_spring_change():
    # 01:30 CET is 00:30 UTC; two hours later the clocks read 04:30 CEST, not 03:30.
    now = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    assert parse_when("in 2h", BERLIN, now) == utc(2026, 3, 29, 2, 30)


def test_a_delay_is_real_elapsed_time_across_the_autumn_change():
    now = datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK)  # EDT, 04:30 UTC
    assert parse_when("in 2h", NEW_YORK, now) == utc(2026, 11, 1, 6, 30)


def test_a_time_the_clocks_skip_is_refused_with_the_zone_named():
    with pytest.raises(ValidationError) as caught:
        parse_when("2026-03-29 02:30", BERLIN, BERLIN_EVE)
    assert "does not exist in Europe/Berlin" in str(caught.value)
    assert caught.value.field == "when"


def test_a_time_the_clocks_pass_twice_is_the_first_pass():
    # 01:30 on 2026-11-01 in New York happens in EDT (05:30 UTC) and again in EST.
    assert parse_when("2026-11-01 01:30", NEW_YORK, NEW_YORK_EVE) == utc(2026, 11, 1, 5, 30)


def test_the_same_text_in_utc():
    now = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert parse_when("tomorrow 8pm", ZoneInfo("UTC"), now) == utc(2026, 3, 29, 20, 0)


@pytest.mark.parametrize("text", ["", "   ", "someday maybe", "x" * 101])
def test_unreadable_text_names_every_accepted_form(text):
    with pytest.raises(ValidationError) as caught:
        parse_when(text, BERLIN, BERLIN_EVE)
    message = str(caught.value)
    for form in ("2026-12-05 20:00", "tomorrow 8pm", "fri 20:00", "in 2h"):
        assert form in message

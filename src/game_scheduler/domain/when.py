"""Read the "when" a host types ("tomorrow 8pm", "fri 20:00", "in 2h") as an aware UTC time.

dateparser does the reading; this module decides the frame. Calendar times ("2026-12-05 20:00",
"tomorrow 8pm", "fri 20:00") are wall-clock times in the host's zone, so they keep their clock
reading across a DST change; delays shorter than a day ("in 2h", "in 90 min") are elapsed time
from now, so "in 2h" is two real hours even when the clocks change in between. A wall-clock time
the clocks skip (spring forward) is refused; one they pass twice (fall back) is the first pass.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from game_scheduler.domain.zones import local_to_utc
from game_scheduler.errors import ValidationError

WHEN_MAX = 100
ACCEPTED_FORMS = (
    'a date and time like "2026-12-05 20:00", a day and time like "tomorrow 8pm" or'
    ' "fri 20:00", or a delay like "in 2h"'
)
_PROBE = timedelta(minutes=1)


def _read(text: str, base: datetime) -> datetime | None:
    """dateparser's reading of ``text`` as a naive time, relative to the naive ``base``."""
    return dateparser.parse(
        text,
        languages=["en"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "future",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "DATE_ORDER": "YMD",
        },
    )


def parse_when(text: str, zone: ZoneInfo, now: datetime, field: str = "when") -> datetime:
    """``text`` read in ``zone`` at ``now`` (aware) as an aware UTC datetime, or a clear error."""
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > WHEN_MAX:
        raise ValidationError(f"when is required: use {ACCEPTED_FORMS}", field)
    base = now.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
    first = _read(cleaned, base)
    if first is None:
        raise ValidationError(f'could not read when "{cleaned}": use {ACCEPTED_FORMS}', field)
    # A delay moves with the moment it is read at; a calendar time stays put.
    moved = _read(cleaned, base + _PROBE)
    delay = first - base
    if moved is not None and moved - first == _PROBE and timedelta(0) < delay < timedelta(days=1):
        start = now.astimezone(UTC).replace(second=0, microsecond=0) + delay
        return start
    return local_to_utc(first, zone.key, field)

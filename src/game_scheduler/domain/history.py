"""Past games by month, and when a duplicated game starts: rules with no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from game_scheduler.errors import ValidationError

MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")
DUPLICATE_STEP = timedelta(days=7)


@dataclass(frozen=True)
class Month:
    """A calendar month in UTC, as the history filter takes it (``YYYY-MM``)."""

    year: int
    month: int

    @property
    def starts(self) -> datetime:
        """Its first instant."""
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def ends(self) -> datetime:
        """The first instant of the next month."""
        if self.month == 12:
            return datetime(self.year + 1, 1, 1, tzinfo=UTC)
        return datetime(self.year, self.month + 1, 1, tzinfo=UTC)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_month(text: str, field: str = "month") -> Month:
    """``2026-11`` -> Month(2026, 11); anything else is a validation error naming the field."""
    found = MONTH_PATTERN.fullmatch(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise ValidationError("month must be written YYYY-MM, like 2026-11", field)
    return Month(int(found.group(1)), int(found.group(2)))


def duplicate_start(original: datetime, now: datetime) -> datetime:
    """The same weekday and time as the original, in the first week still ahead of ``now``."""
    start = original + DUPLICATE_STEP
    if start <= now:
        weeks = (now - original) // DUPLICATE_STEP + 1
        start = original + DUPLICATE_STEP * weeks
    while start <= now:
        start += DUPLICATE_STEP
    return start

"""How a game repeats, as the API takes it (a pattern, or an RRULE for the experts)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from game_scheduler.domain import series as rules
from game_scheduler.services.series import Recurrence

Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class RecurrenceIn(BaseModel):
    """``kind`` with its options, or ``rrule`` (RFC 5545, weekly or monthly); ``zone`` is IANA.

    Unset weekdays, ``nth`` or the day of the month follow the first game's local start.
    """

    model_config = ConfigDict(extra="forbid")

    zone: str = Field(min_length=1, max_length=64, examples=["Europe/Berlin"])
    kind: rules.RepeatKind | None = None
    interval: int = Field(1, ge=1, le=rules.MAX_INTERVAL)
    weekdays: list[Weekday] = Field(default_factory=list, max_length=7)
    nth: Literal[1, 2, 3, 4, -1] | None = None
    until: date | None = None
    count: int | None = Field(None, ge=1, le=rules.MAX_COUNT)
    rrule: str | None = Field(None, min_length=1, max_length=rules.RRULE_MAX)
    carry_mode: rules.CarryMode = rules.CarryMode.FRESH

    def to_recurrence(self) -> Recurrence:
        """The service's input."""
        repeat = (
            None
            if self.kind is None
            else rules.Repeat(
                kind=self.kind,
                interval=self.interval,
                weekdays=tuple(self.weekdays),
                nth=self.nth,
                until=self.until,
                count=self.count,
            )
        )
        return Recurrence(
            zone=self.zone, repeat=repeat, rrule=self.rrule, carry_mode=self.carry_mode
        )

"""The game form's "Repeats" section and the edit scope of a series game."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from game_scheduler.domain import series as rules
from game_scheduler.errors import ValidationError
from game_scheduler.services.series import Recurrence
from game_scheduler.web.forms import Errors, parse_int

REPEAT_FIELDS = (
    "repeat",
    "repeat_interval",
    "repeat_nth",
    "repeat_end",
    "repeat_until",
    "repeat_count",
    "repeat_zone",
    "carry_mode",
)
WEEKDAYS_FIELD = "repeat_weekdays"
SCOPE_FIELD = "scope"
NO_REPEAT = "none"
# Where the service's problems show in the form.
RENAME = {
    "recurrence": "repeat",
    "recurrence.interval": "repeat_interval",
    "recurrence.weekdays": WEEKDAYS_FIELD,
    "recurrence.nth": "repeat_nth",
    "recurrence.until": "repeat_until",
    "recurrence.count": "repeat_count",
    "recurrence.zone": "timezone",
    "recurrence.rrule": "repeat",
}


@dataclass
class RepeatForm:
    """What the "Repeats" inputs hold, as typed; the weekdays as ticked."""

    values: dict[str, str]
    weekdays: list[str] = field(default_factory=list)

    @classmethod
    def posted(cls, read: dict[str, str], weekdays: list[str]) -> RepeatForm:
        """What the browser sent."""
        return cls({name: read.get(name, "") for name in REPEAT_FIELDS}, weekdays)

    @classmethod
    def blank(cls) -> RepeatForm:
        """No repetition; the zone is filled in by the browser's script."""
        values = dict.fromkeys(REPEAT_FIELDS, "")
        values.update(repeat=NO_REPEAT, repeat_interval="1", repeat_end="never")
        values.update(repeat_zone="UTC", carry_mode=rules.CarryMode.FRESH.value)
        return cls(values)

    @property
    def repeats(self) -> bool:
        return self.values.get("repeat", NO_REPEAT) not in ("", NO_REPEAT)

    def recurrence(self, errors: Errors) -> Recurrence | None:
        """The service's input, or None (no repetition, or ``errors`` says what is wrong)."""
        if not self.repeats:
            return None
        kinds = {k.value for k in rules.RepeatKind}
        if self.values["repeat"] not in kinds:
            errors["repeat"] = "choose how the game repeats"
            return None
        interval = parse_int(self.values, "repeat_interval", errors) or 1
        nth = parse_int(self.values, "repeat_nth", errors)
        until: date | None = None
        count: int | None = None
        end = self.values.get("repeat_end", "never")
        if end == "until":
            text = self.values.get("repeat_until", "").strip()
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                errors["repeat_until"] = "enter the last date"
            else:
                try:
                    until = date.fromisoformat(text)
                except ValueError:
                    errors["repeat_until"] = "enter a real date"
        elif end == "count":
            count = parse_int(self.values, "repeat_count", errors, required=True)
        try:
            rules.zone_of(self.values.get("repeat_zone", "").strip(), "repeat_zone")
        except ValidationError as error:
            errors["timezone"] = str(error)  # the zone picker above the section shows it
        carry = self.values.get("carry_mode", "")
        if carry not in {m.value for m in rules.CarryMode}:
            errors["carry_mode"] = "choose who is signed up for each new game"
        if any(name in errors for name in (*REPEAT_FIELDS, WEEKDAYS_FIELD)):
            return None
        repeat = rules.Repeat(
            kind=rules.RepeatKind(self.values["repeat"]),
            interval=interval,
            weekdays=tuple(self.weekdays),
            nth=nth,
            until=until,
            count=count,
        )
        return Recurrence(
            zone=self.values["repeat_zone"].strip(),
            repeat=repeat,
            carry_mode=rules.CarryMode(carry),
        )

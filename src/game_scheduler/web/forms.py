"""Form fields to service inputs: raw values kept for refilling, errors keyed by field."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from game_scheduler.domain.zones import check_zone, local_to_utc
from game_scheduler.errors import ValidationError

FORM_ERROR = "form"
MAX_TZ_OFFSET = 18 * 60
MAX_INT = 2**31 - 1
NO_REMINDERS = "none"

Values = dict[str, str]
Errors = dict[str, str]


def add_error(errors: Errors, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """File each of a service's problems under its field (or the form's, when it names none)."""
    for name, message in error.problems:
        field = (rename or {}).get(name or "", name) or FORM_ERROR
        errors.setdefault(field, message)


def parse_int(values: Values, field: str, errors: Errors, *, required: bool = False) -> int | None:
    """A whole number, or None for a blank optional field; ranges are the services' to check."""
    text = values.get(field, "").strip()
    if not text:
        if required:
            errors[field] = "enter a number"
        return None
    if not re.fullmatch(r"[+-]?\d{1,10}", text) or abs(int(text)) > MAX_INT:
        errors[field] = "enter a whole number"
        return None
    return int(text)


def parse_ids(texts: list[str], field: str, errors: Errors) -> list[int]:
    """Discord ids from checkboxes."""
    if not all(re.fullmatch(r"\d{1,19}", t) and int(t) < 2**63 for t in texts):
        errors[field] = "choose roles from the list"
        return []
    return [int(t) for t in texts]


def offsets_value(offsets: list[int] | None) -> str:
    """Stored offsets as the form shows them: blank inherits, "none" means no reminders."""
    if offsets is None:
        return ""
    return ", ".join(str(m) for m in offsets) if offsets else NO_REMINDERS


def parse_offsets(values: Values, field: str, errors: Errors) -> list[int] | None:
    """Minutes before the start, separated by commas; blank inherits, "none" means none."""
    text = values.get(field, "").strip()
    if not text:
        return None
    if text.lower() == NO_REMINDERS:
        return []
    parts = [p for p in re.split(r"[\s,;]+", text) if p]
    if not all(re.fullmatch(r"\d{1,7}", p) for p in parts):
        errors[field] = 'enter minutes as whole numbers separated by commas, or "none"'
        return None
    return [int(p) for p in parts]


def local_value(moment: datetime, zone: str = "") -> str:
    """A time for a ``datetime-local`` input: in ``zone``, else in UTC (the browser's script
    then shows it in local time)."""
    return moment.astimezone(ZoneInfo(zone) if zone else UTC).strftime("%Y-%m-%dT%H:%M")


def parse_local_time(values: Values, field: str, errors: Errors) -> datetime | None:
    """The date and time typed, read in the chosen zone (``timezone``, an IANA name) as UTC.

    Without a chosen zone, the browser's offset (``tz_offset``, minutes) applies: JavaScript's
    ``getTimezoneOffset()`` for that very date (UTC minus local), so daylight saving is right;
    without JavaScript it is blank and the time is taken as UTC.
    """
    text = values.get(field, "").strip()
    offset_text = values.get("tz_offset", "").strip() or "0"
    zone_name = values.get("timezone", "").strip()
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        errors[field] = "enter a date and time"
        return None
    if zone_name:
        try:
            return local_to_utc(local, check_zone(zone_name), field)
        except ValidationError as error:
            add_error(errors, error)
            return None
    if not re.fullmatch(r"[+-]?\d{1,4}", offset_text) or abs(int(offset_text)) > MAX_TZ_OFFSET:
        errors[field] = "your browser sent an unknown time zone; reload the page"
        return None
    try:
        if local.tzinfo is not None:
            return local.astimezone(UTC)
        return (local + timedelta(minutes=int(offset_text))).replace(tzinfo=UTC)
    except OverflowError:  # year 1 or 9999 pushed past the calendar's ends
        errors[field] = "enter a date and time"
        return None

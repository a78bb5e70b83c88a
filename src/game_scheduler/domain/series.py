"""Recurring series, no I/O: the RRULE a host's choice means, and the starts it yields.

A series is an iCalendar RRULE expanded in an IANA zone from a local first start, so 20:00
stays 20:00 local across daylight-saving changes (the UTC instant moves by an hour). The first
start (DTSTART) is always an occurrence, as RFC 5545 says, even where the rule would skip it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

from game_scheduler.errors import Problem, ValidationError

WINDOW_DAYS = 14
WINDOW_MIN_OCCURRENCES = 2
MAX_COUNT = 520
MAX_INTERVAL = 52
RRULE_MAX = 500
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class CarryMode(enum.StrEnum):
    """Who is in a new occurrence: nobody yet (``fresh``) or the last one's confirmed players."""

    FRESH = "fresh"
    CARRY = "carry"


class RepeatKind(enum.StrEnum):
    """The patterns a host can pick in the form and the API."""

    WEEKLY = "weekly"
    MONTHLY_WEEKDAY = "monthly_weekday"
    MONTHLY_DATE = "monthly_date"


@dataclass(frozen=True)
class Repeat:
    """A host's choice; ``weekdays`` as MO..SU; ``nth`` 1-4 or -1 (last) for the monthly weekday.

    Unset weekdays / nth / day follow the first start.
    """

    kind: RepeatKind
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    nth: int | None = None
    until: date | None = None
    count: int | None = None


def zone_of(name: str, field: str = "zone") -> ZoneInfo:
    """The IANA zone named ``name``; a ValidationError for anything else."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{name!r} is not an IANA time zone name", field) from None


def to_rrule(repeat: Repeat, first: datetime, zone: ZoneInfo) -> str:
    """The RRULE value (without ``RRULE:``) for ``repeat``, starting at ``first`` in ``zone``."""
    problems: list[Problem] = []
    if not 1 <= repeat.interval <= MAX_INTERVAL:
        problems.append(("recurrence.interval", f"must be between 1 and {MAX_INTERVAL}"))
    if repeat.until is not None and repeat.count is not None:
        problems.append(("recurrence.count", "give an end date or a count, not both"))
    if repeat.count is not None and not 1 <= repeat.count <= MAX_COUNT:
        problems.append(("recurrence.count", f"must be between 1 and {MAX_COUNT}"))
    local = first.astimezone(zone)
    if repeat.until is not None and repeat.until < local.date():
        problems.append(("recurrence.until", "the end date is before the first game"))
    parts: list[str] = []
    if repeat.kind is RepeatKind.WEEKLY:
        days = repeat.weekdays or (WEEKDAYS[local.weekday()],)
        bad = [d for d in days if d not in WEEKDAYS]
        if bad:
            problems.append(("recurrence.weekdays", f"unknown weekdays {bad}: use MO..SU"))
        ordered = sorted(set(days) - set(bad), key=WEEKDAYS.index)
        parts = ["FREQ=WEEKLY", f"INTERVAL={repeat.interval}", f"BYDAY={','.join(ordered)}"]
    elif repeat.kind is RepeatKind.MONTHLY_WEEKDAY:
        nth = repeat.nth if repeat.nth is not None else min((local.day - 1) // 7 + 1, 4)
        if nth not in (1, 2, 3, 4, -1):
            problems.append(("recurrence.nth", "must be 1, 2, 3, 4 or -1 (the last)"))
        day = WEEKDAYS[local.weekday()]
        parts = ["FREQ=MONTHLY", f"INTERVAL={repeat.interval}", f"BYDAY={nth}{day}"]
    else:
        parts = ["FREQ=MONTHLY", f"INTERVAL={repeat.interval}", f"BYMONTHDAY={local.day}"]
    if problems:
        raise ValidationError.of(problems)
    if repeat.until is not None:
        end = datetime.combine(repeat.until, time(23, 59, 59), zone)
        parts.append(f"UNTIL={format_until(end)}")
    if repeat.count is not None:
        parts.append(f"COUNT={repeat.count}")
    return ";".join(parts)


def format_until(moment: datetime) -> str:
    """An RRULE UNTIL in UTC, as RFC 5545 wants it with a zoned DTSTART."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _rule(rule: str, first: datetime, zone: ZoneInfo) -> rrule:
    parsed = rrulestr(rule, dtstart=first.astimezone(zone))
    if not isinstance(parsed, rrule):
        raise ValidationError("give one RRULE, not a set", "recurrence.rrule")
    return parsed


def check_rrule(rule: str, first: datetime, zone: ZoneInfo) -> str:
    """A stored or API-given RRULE, refused unless weekly or monthly and parseable."""
    text = rule.strip().removeprefix("RRULE:")
    if not text or len(text) > RRULE_MAX:
        raise ValidationError(f"give an RRULE of at most {RRULE_MAX} characters", "recurrence")
    try:
        _rule(text, first, zone)
    except (ValueError, TypeError) as error:
        raise ValidationError(f"not a valid RRULE: {error}", "recurrence.rrule") from None
    freq = {p.split("=", 1)[1] for p in text.upper().split(";") if p.startswith("FREQ=")}
    if not freq <= {"WEEKLY", "MONTHLY"}:
        raise ValidationError("only weekly or monthly series are supported", "recurrence.rrule")
    return text


def starts_between(
    rule: str, first: datetime, zone: ZoneInfo, after: datetime, before: datetime
) -> list[datetime]:
    """The series' starts in (after, before], UTC, aware, first start included when it falls in."""
    local_first = first.astimezone(zone)
    found = _rule(rule, first, zone).between(after.astimezone(zone), before.astimezone(zone), True)
    starts = {s.astimezone(UTC) for s in found if s > after}
    if after < local_first <= before:
        starts.add(local_first.astimezone(UTC))
    return sorted(starts)


def next_starts(
    rule: str, first: datetime, zone: ZoneInfo, after: datetime, count: int
) -> list[datetime]:
    """The next ``count`` starts strictly after ``after`` (fewer when the series ends)."""
    parsed = _rule(rule, first, zone)
    local_first = first.astimezone(zone)
    found: list[datetime] = [local_first] if local_first > after else []
    moment = after.astimezone(zone)
    while len(found) < count + 1:
        nxt = parsed.after(moment, inc=False)
        if nxt is None:
            break
        found.append(nxt)
        moment = nxt
    return sorted({s.astimezone(UTC) for s in found})[:count]


def window(rule: str, first: datetime, zone: ZoneInfo, now: datetime) -> list[datetime]:
    """What to materialise now: the next 2 starts or 14 days of them, whichever is more."""
    soon = starts_between(rule, first, zone, now, now + timedelta(days=WINDOW_DAYS))
    if len(soon) >= WINDOW_MIN_OCCURRENCES:
        return soon
    return next_starts(rule, first, zone, now, WINDOW_MIN_OCCURRENCES)


def ended_before(rule: str, start: datetime) -> str:
    """The rule cut so its last start is before ``start`` (for a split): UNTIL, no COUNT."""
    kept = [p for p in rule.split(";") if not p.upper().startswith(("UNTIL=", "COUNT="))]
    return ";".join([*kept, f"UNTIL={format_until(start - timedelta(seconds=1))}"])


def remaining_rule(rule: str, used: int) -> str:
    """The rule for the rest of a split series: a COUNT shrinks by the starts already ``used``."""
    parts = rule.split(";")
    for i, part in enumerate(parts):
        if part.upper().startswith("COUNT="):
            parts[i] = f"COUNT={max(1, int(part.split('=', 1)[1]) - used)}"
    return ";".join(parts)


def shifted_rule(rule: str, days: int) -> str:
    """The rule moved by ``days`` local days, for a split whose new first start is on another day.

    Weekdays (``WE``, ``2WE``) and month days shift with it, so the following starts keep the
    new start's weekday: a Wednesday 23:30 game moved an hour later goes on Thursdays.
    """
    if days == 0:
        return rule
    parts = []
    for part in rule.split(";"):
        key, _, value = part.partition("=")
        if key.upper() == "BYDAY":
            shifted = [
                v[:-2] + WEEKDAYS[(WEEKDAYS.index(v[-2:].upper()) + days) % 7]
                for v in value.split(",")
            ]
            part = f"{key}={','.join(shifted)}"
        elif key.upper() == "BYMONTHDAY":
            shifted = [
                str((int(v) - 1 + days) % 31 + 1) if int(v) > 0 else v for v in value.split(",")
            ]
            part = f"{key}={','.join(shifted)}"
        parts.append(part)
    return ";".join(parts)


def carried_players(previous_confirmed: Sequence[int], max_players: int) -> list[int]:
    """Who a ``carry`` series pre-confirms: the last occurrence's confirmed, up to the new cap."""
    return list(dict.fromkeys(previous_confirmed))[:max_players]

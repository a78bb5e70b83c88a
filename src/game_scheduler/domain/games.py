"""Limits on a game's fields, checked before anything is written."""

from __future__ import annotations

from datetime import datetime, timedelta

from game_scheduler.errors import ValidationError

TITLE_MAX = 200
LOCATION_MAX = 200
TEXT_MAX = 4000
CANCEL_REASON_MAX = 500
MAX_PLAYERS_LIMIT = 1000
DURATION_MAX_MINUTES = 7 * 24 * 60
MAX_DAYS_AHEAD = 2 * 366


SINGLE_LINE_FIELDS = frozenset({"title", "location"})
MULTILINE_ALLOWED = frozenset("\n\r\t")


def is_control(char: str) -> bool:
    """C0 and C1 control characters and DEL: they break calendars and one-line displays."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def _check_characters(value: str, field: str) -> None:
    """No NUL, lone surrogate or control character; descriptions may hold line breaks and tabs."""
    allowed = frozenset() if field in SINGLE_LINE_FIELDS else MULTILINE_ALLOWED
    if any(
        "\ud800" <= char <= "\udfff" or (is_control(char) and char not in allowed) for char in value
    ):
        label = field.replace("_", " ")
        raise ValidationError(
            f"{label} contains characters that are not allowed"
            + (" (such as line breaks)" if field in SINGLE_LINE_FIELDS else ""),
            field,
        )


def clean_name(name: str) -> str:
    """A display name from Discord, with control characters turned into spaces."""
    return "".join(" " if is_control(c) or "\ud800" <= c <= "\udfff" else c for c in name)


def clean_title(title: str) -> str:
    """A title is required and at most 200 characters (surrounding spaces dropped)."""
    cleaned = title.strip()
    _check_characters(cleaned, "title")
    if not cleaned:
        raise ValidationError("title must not be empty", "title")
    if len(cleaned) > TITLE_MAX:
        raise ValidationError(f"title must be at most {TITLE_MAX} characters", "title")
    return cleaned


def clean_text(value: str, field: str, limit: int = TEXT_MAX) -> str:
    """Optional free text, bounded so it fits in a Discord embed."""
    cleaned = value.strip()
    _check_characters(cleaned, field)
    if len(cleaned) > limit:
        raise ValidationError(
            f"{field.replace('_', ' ')} must be at most {limit} characters", field
        )
    return cleaned


def check_max_players(value: int) -> int:
    """A cap from 1 to 1000."""
    if not 1 <= value <= MAX_PLAYERS_LIMIT:
        raise ValidationError(
            f"max players must be between 1 and {MAX_PLAYERS_LIMIT}", "max_players"
        )
    return value


def check_min_players(value: int, max_players: int) -> int:
    """At least one and no more than the cap."""
    if not 1 <= value <= max_players:
        raise ValidationError("min players must be between 1 and max players", "min_players")
    return value


def check_duration(minutes: int) -> int:
    """A positive duration of at most a week."""
    if not 1 <= minutes <= DURATION_MAX_MINUTES:
        raise ValidationError(
            f"duration must be between 1 and {DURATION_MAX_MINUTES} minutes", "duration_minutes"
        )
    return minutes


def check_start(scheduled_at: datetime, now: datetime) -> datetime:
    """A start time must carry its zone and lie in the future, at most two years ahead."""
    if scheduled_at.tzinfo is None or scheduled_at.utcoffset() is None:
        raise ValidationError("start time must include a time zone", "scheduled_at")
    if scheduled_at <= now:
        raise ValidationError("start time must be in the future", "scheduled_at")
    if scheduled_at > now + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError("start time must be at most two years ahead", "scheduled_at")
    return scheduled_at


def clean_cancel_reason(reason: str | None) -> str | None:
    """A host's reason for cancelling, trimmed; None when none was given."""
    if reason is None or not reason.strip():
        return None
    return clean_text(reason, "reason", CANCEL_REASON_MAX)

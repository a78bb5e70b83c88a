"""IANA time zones: which names are valid, which zone a time is read in, and name lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from game_scheduler.errors import ValidationError

ZONE_NAME_MAX = 64
DEFAULT_ZONE = "UTC"


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA name this machine's tz database knows, sorted, without legacy aliases."""
    names = {n for n in available_timezones() if "/" in n or n == "UTC"}
    return tuple(sorted(n for n in names if not n.startswith(("Etc/", "SystemV/", "posix/"))))


def check_zone(name: str, field: str = "timezone") -> str:
    """A valid IANA zone name (surrounding spaces dropped), or a ValidationError naming it."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > ZONE_NAME_MAX or cleaned.startswith(("/", ".")):
        raise ValidationError(_unknown(cleaned), field)
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_unknown(cleaned), field) from None
    return cleaned


def _unknown(name: str) -> str:
    return f'"{name}" is not an IANA time zone name (like Europe/Berlin or America/New_York)'


def local_to_utc(local: datetime, zone_name: str, field: str) -> datetime:
    """A wall-clock time in the zone as aware UTC; a time the clocks skip (spring) is refused.

    A time the clocks pass twice (autumn) is the first pass. An aware ``local`` is kept as is.
    """
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    zone = ZoneInfo(zone_name)
    aware = local.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise ValidationError(
            f"{local:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip that hour;"
            " pick another time",
            field,
        )
    return aware.astimezone(UTC)


def matching_zones(query: str, limit: int = 25) -> list[str]:
    """Zone names for an autocomplete: those starting with the query first, then containing it."""
    needle = query.strip().lower().replace(" ", "_")
    names = zone_names()
    if not needle:
        return list(names[:limit])
    starts = [n for n in names if n.lower().startswith(needle)]
    city = [n for n in names if n not in starts and n.lower().split("/")[-1].startswith(needle)]
    contains = [n for n in names if n not in starts and n not in city and needle in n.lower()]
    return (starts + city + contains)[:limit]


@dataclass(frozen=True)
class ZoneInUse:
    """The zone a time is read in and where that choice came from (your, the server's, UTC)."""

    name: str
    source: str  # "yours" | "server" | "default"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.name)

    def label(self) -> str:
        """How the zone is named beside a time: "Europe/Berlin (your zone)"."""
        where = {"yours": "your zone", "server": "server zone", "default": "no zone set"}
        return f"{self.name} ({where[self.source]})"


def zone_in_use(user_zone: str | None, server_zone: str | None) -> ZoneInUse:
    """The host's saved zone, else the server's, else UTC."""
    if user_zone:
        return ZoneInUse(user_zone, "yours")
    if server_zone:
        return ZoneInUse(server_zone, "server")
    return ZoneInUse(DEFAULT_ZONE, "default")

"""Game times with an optional IANA zone: a naive local time is read in ``timezone``.

Additive: clients that send an aware time (RFC 3339 with an offset) are unaffected, and the
zone is ignored for them; a naive time without ``timezone`` is refused as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo

from game_scheduler.domain.zones import ZONE_NAME_MAX, check_zone, local_to_utc
from game_scheduler.errors import ValidationError


def _zone(name: str) -> str:
    try:
        return check_zone(name)
    except ValidationError as error:
        raise ValueError(str(error)) from None


ZoneName = Annotated[
    str,
    Field(
        max_length=ZONE_NAME_MAX,
        description="IANA time zone (e.g. Europe/Berlin) a scheduled_at without offset is in",
        examples=["Europe/Berlin"],
    ),
    AfterValidator(_zone),
]

LocalOrUtcDateTime = Annotated[
    datetime,
    Field(
        description="RFC 3339 with an offset; or a local date-time without one plus `timezone`",
    ),
]


def zoned_to_utc(cls: type, value: datetime | None, info: ValidationInfo) -> datetime | None:
    """The time in UTC: an aware one as is, a naive one read in the ``timezone`` sent."""
    if value is None:
        return None
    zone = info.data.get("timezone")
    if value.tzinfo is None and not zone:
        raise ValueError("needs a time zone offset (or send `timezone` with a local time)")
    try:
        return local_to_utc(value, zone or "UTC", "scheduled_at")
    except ValidationError as error:
        raise ValueError(str(error)) from None
    except OverflowError:
        raise ValueError("is out of range") from None

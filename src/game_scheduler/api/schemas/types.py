"""Field types shared by the JSON bodies: Discord ids as strings, UTC times, error shapes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)

# Below 9e18 so every id fits PostgreSQL's BIGINT; Discord ids stay below it for decades.
SNOWFLAKE_PATTERN = r"^(?:[1-9][0-9]{0,17}|[1-8][0-9]{18})$"
_SNOWFLAKE = re.compile(SNOWFLAKE_PATTERN)
_LARGEST_SNOWFLAKE = 8_999_999_999_999_999_999  # the pattern's largest, as a number
MAX_ID = 2**63 - 1


def _parse_snowflake(value: Any) -> int:
    # Numbers (ours, on the way out) checked by range; bools are not numbers here.
    if type(value) is int and 0 < value <= _LARGEST_SNOWFLAKE:
        return value
    if not isinstance(value, str) or not _SNOWFLAKE.fullmatch(value):
        raise ValueError("must be a Discord id: a string of digits")
    return int(value)


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("is out of range") from error


Snowflake = Annotated[
    int,
    PlainValidator(_parse_snowflake),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": SNOWFLAKE_PATTERN, "example": "1234567890123"}),
]
"""A Discord id: a string in JSON (JavaScript loses precision on such integers), int in Python."""

UtcDateTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A time with its zone (RFC 3339), converted to UTC."""


class ErrorOut(BaseModel):
    """Every non-validation error: a message fit to show the user."""

    detail: str

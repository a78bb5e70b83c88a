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
MAX_ID = 2**63 - 1


def _parse_snowflake(value: Any) -> int:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not re.fullmatch(SNOWFLAKE_PATTERN, text):
        raise ValueError("must be a Discord id: a string of digits")
    return int(text)


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

"""Discord ids in JSON bodies: strings of digits in, numbers in Python, strings out."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from game_scheduler.api.schemas.types import Snowflake


class Holder(BaseModel):
    id: Snowflake


@pytest.mark.parametrize(
    "given",
    ["1", "1234567890123", "999999999999999999", "8999999999999999999", 42, 8999999999999999999],
)
def test_ids_in_the_range_are_read_as_numbers_and_written_as_strings(given: object) -> None:
    held = Holder.model_validate({"id": given})
    assert held.id == int(str(given))
    assert held.model_dump(mode="json") == {"id": str(given)}


@pytest.mark.parametrize(
    "given",
    [
        "0",
        "01",
        "-1",
        "9000000000000000000",
        "12a",
        "",
        " 1",
        0,
        -5,
        9000000000000000000,
        True,
        1.0,
    ],
)
def test_anything_else_is_refused(given: object) -> None:
    with pytest.raises(ValidationError, match="must be a Discord id"):
        Holder.model_validate({"id": given})

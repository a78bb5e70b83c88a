"""Run every field's rule and keep every failure, so a form or an API call hears of all at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from game_scheduler.errors import Problem, ValidationError

P = ParamSpec("P")
T = TypeVar("T")


class Checks:
    """Collects the problems of several independent rules instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def run(self, rule: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """The rule's result, or None (its problems kept) when it refuses the value."""
        try:
            return rule(*args, **kwargs)
        except ValidationError as error:
            self.problems.extend(error.problems)
            return None

    def raise_any(self) -> None:
        """Raise one ValidationError naming every problem found, if there is one."""
        if self.problems:
            raise ValidationError.of(self.problems)

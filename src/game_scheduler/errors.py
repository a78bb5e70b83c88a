"""Domain errors: what went wrong in the users' terms; entrypoints map them to replies."""

from __future__ import annotations

from collections.abc import Sequence

Problem = tuple[str | None, str]


class GameSchedulerError(Exception):
    """Base of every error a user can cause; ``str(error)`` is a message fit to show them."""


class ValidationError(GameSchedulerError):
    """Input breaks a rule; ``field`` names the offending field when there is one.

    ``problems`` lists every (field, message) found, so one answer can name them all.
    """

    def __init__(
        self, message: str, field: str | None = None, problems: Sequence[Problem] = ()
    ) -> None:
        super().__init__(message)
        self.field = field
        self.problems: list[Problem] = list(problems) or [(field, message)]

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> ValidationError:
        """One error carrying several problems; its message joins theirs."""
        field, _ = problems[0]
        return cls("; ".join(message for _, message in problems), field, problems)


class NotFound(GameSchedulerError):
    """The thing does not exist, or the actor may not see it (both look the same to them)."""


class NotAllowed(GameSchedulerError):
    """The actor can see the thing but lacks the role to change it."""


class Conflict(GameSchedulerError):
    """The request clashes with the current state."""


class AlreadyJoined(Conflict):
    """The player is already signed up for this game."""


class NotJoined(Conflict):
    """The player is not signed up for this game."""


class GameNotOpen(Conflict):
    """The game has started, completed or been cancelled, so signups are closed."""


class StaleVersion(Conflict):
    """The game changed since the caller read it; reload and try again."""


class InvalidTransition(Conflict):
    """A status change that the game's lifecycle does not allow."""


class OfferClosed(Conflict):
    """The seat offer or re-confirmation was already answered, lapsed or withdrawn."""

"""Games as the API takes them: a new game, a change, a cancellation, and their field types."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from game_scheduler.api.schemas.recurrence import RecurrenceIn
from game_scheduler.api.schemas.types import Snowflake
from game_scheduler.api.schemas.zoned import LocalOrUtcDateTime, ZoneName, zoned_to_utc
from game_scheduler.domain import games as rules
from game_scheduler.domain.offers import WINDOW_MINUTES_MAX
from game_scheduler.domain.quorum import MAX_DEADLINE_MINUTES
from game_scheduler.domain.reminders import MAX_OFFSET_MINUTES, MAX_OFFSETS
from game_scheduler.services.games import GameChanges, GameDraft

Offset = Annotated[int, Field(ge=1, le=MAX_OFFSET_MINUTES)]
Offsets = Annotated[list[Offset], Field(max_length=MAX_OFFSETS)]
Title = Annotated[str, Field(min_length=1, max_length=rules.TITLE_MAX)]
Text = Annotated[str, Field(max_length=rules.TEXT_MAX)]
Location = Annotated[str, Field(max_length=rules.LOCATION_MAX)]
Duration = Annotated[int, Field(ge=1, le=rules.DURATION_MAX_MINUTES)]
Players = Annotated[int, Field(ge=1, le=rules.MAX_PLAYERS_LIMIT)]
SeatModeIn = Literal["offer", "instant"]
OfferWindow = Annotated[int, Field(ge=1, le=WINDOW_MINUTES_MAX)]
Deadline = Annotated[int, Field(ge=0, le=MAX_DEADLINE_MINUTES)]


class GameCreate(BaseModel):
    """A new game; unset cap, duration and reminder offsets are inherited from channel/server."""

    model_config = ConfigDict(extra="forbid")

    channel_id: Snowflake
    title: Title
    timezone: ZoneName | None = None
    scheduled_at: LocalOrUtcDateTime
    description: Text = ""
    location: Location = ""
    signup_instructions: Text = ""
    duration_minutes: Duration | None = None
    max_players: Players | None = None
    min_players: Players = 1
    reminder_offsets: Offsets | None = None
    recurrence: RecurrenceIn | None = None  # makes the game the first of a series
    seat_mode: SeatModeIn | None = None
    offer_window_minutes: OfferWindow | None = None
    reconfirm_frees_seat: bool | None = None
    # Minutes before the start by which min_players must be confirmed; 0: none; null: inherit.
    quorum_deadline_minutes: Deadline | None = None
    remind_maybe: bool | None = None

    _zoned = field_validator("scheduled_at")(zoned_to_utc)

    def to_draft(self) -> GameDraft:
        """The service's input."""
        data = self.model_dump(exclude={"channel_id", "timezone", "recurrence"})
        return GameDraft(channel_discord_id=self.channel_id, **data)


class GameUpdate(BaseModel):
    """Only the fields sent change; ``reminder_offsets: null`` returns to the inherited ones.

    ``version`` (optional) makes the update fail with 409 if someone changed the game since.
    """

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, ge=1, le=2**31 - 1)
    title: Title | None = None
    timezone: ZoneName | None = None
    scheduled_at: LocalOrUtcDateTime | None = None
    description: Text | None = None
    location: Location | None = None
    signup_instructions: Text | None = None
    duration_minutes: Duration | None = None
    max_players: Players | None = None
    min_players: Players | None = None
    reminder_offsets: Offsets | None = None
    seat_mode: SeatModeIn | None = None
    offer_window_minutes: OfferWindow | None = None
    reconfirm_frees_seat: bool | None = None
    quorum_deadline_minutes: Deadline | None = None
    remind_maybe: bool | None = None
    # With a new scheduled_at: confirmed players are asked to Keep or give up their seats.
    reconfirm: bool = False
    # For a series game: "this" game only, or "following" (this and the later ones: a split).
    scope: Literal["this", "following"] = "this"

    _zoned = field_validator("scheduled_at")(zoned_to_utc)

    def to_changes(self) -> GameChanges:
        """The service's input, keeping which fields were sent."""
        not_changes = {"version", "timezone", "scope", "reconfirm"}
        return GameChanges(**self.model_dump(exclude_unset=True, exclude=not_changes))


class GameCancel(BaseModel):
    """Why the host cancels (optional); players read it in their DM and on the announcement."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(max_length=rules.CANCEL_REASON_MAX)] | None = None

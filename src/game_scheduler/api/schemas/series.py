"""Recurring series as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from game_scheduler.api.schemas.game_inputs import (
    Duration,
    GameCreate,
    Location,
    Offsets,
    Players,
    Text,
    Title,
)
from game_scheduler.api.schemas.games import UserOut
from game_scheduler.api.schemas.recurrence import RecurrenceIn
from game_scheduler.api.schemas.types import Snowflake
from game_scheduler.domain.series import CarryMode
from game_scheduler.models import GameSeries
from game_scheduler.services.games import GameChanges


class SeriesCreate(GameCreate):
    """The first game and how it repeats; the following games are made ahead by the scheduler."""

    recurrence: RecurrenceIn


class SeriesUpdate(BaseModel):
    """Template fields for the coming games (already made ones change too) and the carry mode.

    To move the series' time or rule, edit an occurrence with ``scope: "following"``.
    """

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Text | None = None
    location: Location | None = None
    signup_instructions: Text | None = None
    duration_minutes: Duration | None = None
    max_players: Players | None = None
    min_players: Players | None = None
    reminder_offsets: Offsets | None = None
    carry_mode: CarryMode | None = None

    def to_changes(self) -> GameChanges:
        """The game fields sent, for the service."""
        return GameChanges(**self.model_dump(exclude_unset=True, exclude={"carry_mode"}))


class SeriesOut(BaseModel):
    """A series: its template, rule, zone and coming games."""

    id: int
    guild_id: Snowflake
    channel_id: Snowflake
    host: UserOut
    title: str
    description: str
    location: str
    signup_instructions: str
    duration_minutes: int
    max_players: int
    min_players: int
    reminder_offsets: list[int] | None
    rrule: str
    zone: str
    first_start: datetime
    carry_mode: CarryMode
    created_at: datetime
    ended_at: datetime | None
    upcoming_game_ids: list[int]

    @classmethod
    def of(cls, plan: GameSeries, upcoming: list[int]) -> SeriesOut:
        """From the model (guild, channel and host loaded) and its coming games."""
        return cls(
            id=plan.id,
            guild_id=plan.guild.discord_id,
            channel_id=plan.channel.discord_id,
            host=UserOut.of(plan.host),
            title=plan.title,
            description=plan.description,
            location=plan.location,
            signup_instructions=plan.signup_instructions,
            duration_minutes=plan.duration_minutes,
            max_players=plan.max_players,
            min_players=plan.min_players,
            reminder_offsets=plan.reminder_offsets,
            rrule=plan.rrule,
            zone=plan.zone,
            first_start=plan.first_start,
            carry_mode=CarryMode(plan.carry_mode),
            created_at=plan.created_at,
            ended_at=plan.ended_at,
            upcoming_game_ids=upcoming,
        )


class SeriesPageOut(BaseModel):
    """Active series in your servers."""

    items: list[SeriesOut]

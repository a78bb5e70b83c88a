"""Templates, duplicates, past games, attendance and stats as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from game_scheduler.api.schemas.game_inputs import Duration, Location, Offsets, Players, Text, Title
from game_scheduler.api.schemas.games import GameOut, PlayerOut, UserOut
from game_scheduler.api.schemas.types import Snowflake, UtcDateTime
from game_scheduler.domain.attendance import Mark
from game_scheduler.models import GameTemplate
from game_scheduler.services.history import PastGame, PastPage
from game_scheduler.services.stats import PlayerStatsView, ServerStatsView
from game_scheduler.services.templates import NAME_MAX, TemplateDraft

Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX)]


class TemplateIn(BaseModel):
    """A server template; unset seats, duration and reminders are inherited where it is used."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    title: Title
    description: Text = ""
    location: Location = ""
    max_players: Players | None = None
    min_players: Players = 1
    duration_minutes: Duration | None = None
    reminder_offsets: Offsets | None = None
    channel_id: Snowflake | None = None
    ping_role_id: Snowflake | None = None

    def to_draft(self) -> TemplateDraft:
        """The service's input."""
        data = self.model_dump(exclude={"channel_id"})
        return TemplateDraft(channel_discord_id=self.channel_id, **data)


class TemplateOut(BaseModel):
    """A saved template."""

    id: int
    name: str
    title: str
    description: str
    location: str
    max_players: int | None
    min_players: int
    duration_minutes: int | None
    reminder_offsets: list[int] | None
    channel_id: Snowflake | None
    ping_role_id: Snowflake | None
    updated_at: datetime

    @classmethod
    def of(cls, template: GameTemplate) -> TemplateOut:
        """From the model (its channel loaded)."""
        return cls(
            id=template.id,
            name=template.name,
            title=template.title,
            description=template.description,
            location=template.location,
            max_players=template.max_players,
            min_players=template.min_players,
            duration_minutes=template.duration_minutes,
            reminder_offsets=template.reminder_offsets,
            channel_id=None if template.channel is None else template.channel.discord_id,
            ping_role_id=template.ping_role_id,
            updated_at=template.updated_at,
        )


class FromTemplate(BaseModel):
    """When (and where, if not the template's channel) to post a game from a template."""

    model_config = ConfigDict(extra="forbid")

    scheduled_at: UtcDateTime
    channel_id: Snowflake | None = None


class DuplicateIn(BaseModel):
    """The copy's start; without one, the same weekday and time in the first week ahead."""

    model_config = ConfigDict(extra="forbid")

    scheduled_at: UtcDateTime | None = None


class SeatOut(PlayerOut):
    """A confirmed player of a past game and the host's mark (``null``: not marked)."""

    attendance: Mark | None


class PastGameOut(GameOut):
    """A completed or cancelled game with its roster as it stood and attendance where marked."""

    confirmed: list[SeatOut]
    waitlist: list[PlayerOut]
    can_mark_attendance: bool

    @classmethod
    def of_past(cls, past: PastGame) -> PastGameOut:
        """From the service's result."""
        game = past.game
        seats = [
            SeatOut.model_validate(
                {**PlayerOut.of_participant(s.participant).model_dump(), "attendance": s.mark}
            )
            for s in past.seats
        ]
        waiting = [PlayerOut.of_participant(p, n) for n, p in enumerate(past.waitlist, start=1)]
        fields = cls._fields(game, len(past.seats) + len(past.waitlist), None)
        return cls.model_validate(
            {
                **fields,
                "confirmed": seats,
                "waitlist": waiting,
                "can_mark_attendance": past.can_mark,
            }
        )


class PastPageOut(BaseModel):
    """A page of past games, newest first; ``total`` counts every match."""

    items: list[PastGameOut]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, page: PastPage) -> PastPageOut:
        """From the service's page."""
        return cls(
            items=[PastGameOut.of_past(p) for p in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )


class AttendanceIn(BaseModel):
    """Marks by player Discord id; players not named keep their marks."""

    model_config = ConfigDict(extra="forbid")

    marks: dict[Snowflake, Mark] = Field(max_length=1000)


class TopPlayerOut(UserOut):
    """One of a server's most regular players."""

    played: int


class ServerStatsOut(BaseModel):
    """Games run and cancelled, players per completed game, no-shows and top players."""

    games_completed: int
    games_cancelled: int
    games_marked: int = Field(description="Completed games whose host marked attendance")
    no_shows: int
    average_attendance: float | None = Field(
        description="Players who came per completed game (seated minus no-shows)"
    )
    top_players: list[TopPlayerOut]

    @classmethod
    def of(cls, view: ServerStatsView) -> ServerStatsOut:
        """From the service's result."""
        stats = view.stats
        return cls(
            games_completed=stats.games_completed,
            games_cancelled=stats.games_cancelled,
            games_marked=stats.games_marked,
            no_shows=stats.no_shows,
            average_attendance=stats.average_attendance,
            top_players=[
                TopPlayerOut(
                    id=view.users[t.user_id].discord_id,
                    username=view.users[t.user_id].username,
                    played=t.played,
                )
                for t in stats.top_players
            ],
        )


class PlayerStatsOut(BaseModel):
    """A player's record: completed games where they held a seat and came, and no-shows."""

    user: UserOut
    games_played: int = Field(description="Seats held in completed games, minus no-shows")
    no_shows: int
    attended_marked: int = Field(description="Games the host marked them as attended")

    @classmethod
    def of(cls, view: PlayerStatsView) -> PlayerStatsOut:
        """From the service's result."""
        return cls(
            user=UserOut(id=view.discord_id, username=view.username),
            games_played=view.stats.played,
            no_shows=view.stats.no_shows,
            attended_marked=view.stats.attended_marked,
        )

"""The signed-in user and their calendar feed."""

from __future__ import annotations

from pydantic import BaseModel, Field

from game_scheduler.api.schemas.guilds import GuildSummaryOut
from game_scheduler.api.schemas.types import Snowflake


class CalendarFeedOut(BaseModel):
    """The private calendar feed URL (regenerate it if it leaked)."""

    calendar_feed_url: str


class MeOut(CalendarFeedOut):
    """The signed-in user and the servers they share with the bot."""

    id: Snowflake
    username: str
    guilds: list[GuildSummaryOut]
    csrf_token: str = Field(
        description="Send it as the X-CSRF-Token header on every POST, PATCH, PUT and DELETE"
    )


class HealthOut(BaseModel):
    """Whether this api replica can reach what it needs."""

    status: str
    database: bool
    broker: bool

"""Discord users who host or join games, with their private calendar feed token."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, String, false
from sqlalchemy.orm import Mapped, mapped_column

from game_scheduler.models.base import Base, IdType, UTCDateTime, utcnow


def new_calendar_token() -> str:
    """An unguessable token for a user's calendar feed URL."""
    return secrets.token_urlsafe(32)


class User(Base):
    """A Discord user known to the scheduler."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    discord_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    username: Mapped[str] = mapped_column(String(100), default="")
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_calendar_token)
    # IANA zone the user's typed times are read in (None: the server's zone).
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Personal reminders (issue 16): None follows each game's offsets; a list overrides them
    # for this user's reminders; reminder_mention: mention in the game's channel, no DM.
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    reminder_mention: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

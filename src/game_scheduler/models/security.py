"""Rows the security rules keep: recent rate-limited actions and who is in which server."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from game_scheduler.models.base import Base, IdType, UTCDateTime, utcnow


class RateEvent(Base):
    """One rate-limited action (a signup change, a login attempt), counted per ``key``."""

    __tablename__ = "rate_event"
    __table_args__ = (
        Index("ix_rate_event_key_at", "key", "at"),
        Index("ix_rate_event_at", "at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class GuildMember(Base):
    """A user seen in a server (login, click, Discord); ``left_at`` once seen gone."""

    __tablename__ = "guild_member"
    __table_args__ = (UniqueConstraint("guild_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    guild_id: Mapped[int] = mapped_column(ForeignKey("guild.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

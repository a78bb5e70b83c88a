"""A recurring series: the template its occurrences (real games) are materialised from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from game_scheduler.domain.series import CarryMode
from game_scheduler.models.base import Base, IdType, UTCDateTime, utcnow
from game_scheduler.models.guild import Channel, Guild
from game_scheduler.models.user import User


class GameSeries(Base):
    """RRULE + IANA zone + first start; ``ended_at`` set when deleted (nothing more is made)."""

    __tablename__ = "game_series"
    __table_args__ = (CheckConstraint("max_players >= 1", name="max_players_positive"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    guild_id: Mapped[int] = mapped_column(ForeignKey("guild.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channel.id", ondelete="CASCADE"), index=True
    )
    host_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    signup_instructions: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    max_players: Mapped[int] = mapped_column(Integer)
    min_players: Mapped[int] = mapped_column(Integer, default=1)
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    rrule: Mapped[str] = mapped_column(String(500))
    zone: Mapped[str] = mapped_column(String(64))
    # DTSTART: the first occurrence's start (UTC); its local time of day in ``zone`` is kept.
    first_start: Mapped[datetime] = mapped_column(UTCDateTime)
    carry_mode: Mapped[str] = mapped_column(String(10), default=CarryMode.FRESH.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)

    guild: Mapped[Guild] = relationship()
    channel: Mapped[Channel] = relationship()
    host: Mapped[User] = relationship()

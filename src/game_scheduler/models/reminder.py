"""One reminder per (game, offset, audience): the scheduler's unit of work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.models.base import Base, IdType, UTCDateTime
from game_scheduler.models.game import Game


class Reminder(Base):
    """A reminder due ``offset_minutes`` before its game starts."""

    __tablename__ = "reminder"
    __table_args__ = (
        # One game-wide reminder per offset, and one personal reminder per (offset, user).
        Index(
            "uq_reminder_game_offset_everyone",
            "game_id",
            "offset_minutes",
            unique=True,
            postgresql_where=text("audience_user_id IS NULL"),
            sqlite_where=text("audience_user_id IS NULL"),
        ),
        UniqueConstraint("game_id", "offset_minutes", "audience_user_id"),
        Index("ix_reminder_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("game.id", ondelete="CASCADE"), index=True)
    offset_minutes: Mapped[int] = mapped_column(Integer)
    # None: everyone following the game's offsets; a user: that user's personal offset.
    audience_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=True, index=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReminderStatus] = mapped_column(
        Enum(
            ReminderStatus,
            native_enum=False,
            length=20,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ReminderStatus.PENDING,
    )
    # The due time it was last handed to the send task for; differs from due_at when it must be.
    enqueued_for: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    game: Mapped[Game] = relationship()

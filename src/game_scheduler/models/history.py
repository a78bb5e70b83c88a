"""What a server keeps beyond one game: templates to post from, and who came to past games."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from game_scheduler.models.base import Base, IdType, UTCDateTime, utcnow
from game_scheduler.models.game import Game
from game_scheduler.models.guild import Channel
from game_scheduler.models.user import User


class GameTemplate(Base):
    """A server's saved game fields; unset seats, duration and reminders are inherited."""

    __tablename__ = "game_template"
    __table_args__ = (UniqueConstraint("guild_id", "name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    guild_id: Mapped[int] = mapped_column(ForeignKey("guild.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    max_players: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_players: Mapped[int] = mapped_column(Integer, default=1)
    duration_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel.id", ondelete="SET NULL"), nullable=True
    )
    # A Discord role id, kept plain: roles come and go in Discord without telling us.
    ping_role_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    channel: Mapped[Channel | None] = relationship()


class Attendance(Base):
    """Whether a confirmed player of a finished game came (``attended``) or not (``no_show``)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("game_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("game.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    game: Mapped[Game] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

"""A scheduled game session and its players."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from game_scheduler.domain.rsvp import Response
from game_scheduler.domain.status import GameStatus
from game_scheduler.models.base import Base, IdType, UTCDateTime, utcnow
from game_scheduler.models.guild import Channel, Guild
from game_scheduler.models.user import User


class Game(Base):
    """A game session posted by a host in a channel."""

    __tablename__ = "game"
    __table_args__ = (
        Index("ix_game_status_scheduled_at", "status", "scheduled_at"),
        CheckConstraint("max_players >= 1", name="max_players_positive"),
        # One game per series occurrence: materialising twice (two beats) inserts nothing twice.
        UniqueConstraint("series_id", "occurrence_start"),
    )

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
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    max_players: Mapped[int] = mapped_column(Integer)
    min_players: Mapped[int] = mapped_column(Integer, default=1)
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    # Whether "maybe" players get reminders; None: the channel's, then the server's (default no).
    remind_maybe: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    status: Mapped[GameStatus] = mapped_column(
        Enum(GameStatus, native_enum=False, length=20, validate_strings=True),
        default=GameStatus.SCHEDULED,
    )
    discord_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    announcement_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The thread opened on the announcement, and the players the bot added to it (Discord ids).
    thread_discord_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    thread_member_ids: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The announcement is behind while shown < wanted: the bot bumps wanted on every game event
    # and sets shown to what it had read once Discord shows it (plain UPDATEs, not version bumps).
    announcement_wanted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    announcement_shown: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A series occurrence: its series, and the rule's original start (kept when it is moved).
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("game_series.id", ondelete="SET NULL"), nullable=True, index=True
    )
    occurrence_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Seat offers (issue 16); None inherits the channel's, then the server's, then the default.
    seat_mode: Mapped[str | None] = mapped_column(String(10), nullable=True)
    offer_window_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reconfirm_frees_seat: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # Quorum (issue 16): minutes before the start when min_players must be confirmed (None:
    # inherit the channel's/server's, 0: no deadline); the outcome and the one nudge, once each.
    quorum_deadline_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quorum_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    quorum_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    quorum_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __mapper_args__ = {"version_id_col": version}

    guild: Mapped[Guild] = relationship()
    channel: Mapped[Channel] = relationship()
    host: Mapped[User] = relationship()
    participants: Mapped[list[Participant]] = relationship(
        back_populates="game", order_by="Participant.position", cascade="all, delete-orphan"
    )


class Participant(Base):
    """A player's signup and answer; confirmed or waitlisted follows from position among the
    going players and the game's cap (``domain.rsvp``)."""

    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("game_id", "user_id"),
        UniqueConstraint("game_id", "position"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("game.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    position: Mapped[int] = mapped_column(Integer)
    response: Mapped[Response] = mapped_column(
        Enum(
            Response,
            native_enum=False,
            length=10,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=Response.GOING,
        server_default=Response.GOING.value,
    )

    game: Mapped[Game] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()

"""Discord servers, their channels and roles as the bot last saw them, with scheduling settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from game_scheduler.models.base import Base, IdType, UTCDateTime, utcnow


class Guild(Base):
    """A Discord server and its defaults for every game posted in it."""

    __tablename__ = "guild"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    discord_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    default_max_players: Mapped[int | None] = mapped_column(Integer, nullable=True)
    remind_maybe: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    host_role_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    manager_role_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Quorum defaults (issue 16); None: inherit (channel -> server -> environment).
    quorum_deadline_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quorum_action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    quorum_nudge_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bot_present: Mapped[bool] = mapped_column(Boolean, default=True)
    # IANA zone hosts' times are read in when they set none of their own (None: UTC).
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Pings and threads (issue 14): a role mentioned when a game is posted, a thread per game,
    # and whether reminders and changes are also posted in that thread.
    ping_role_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    game_threads: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    thread_posts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Seat offers (issue 16); None inherits (channel: the server's; server: the default).
    seat_mode: Mapped[str | None] = mapped_column(String(10), nullable=True)
    offer_window_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reconfirm_frees_seat: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    channels: Mapped[list[Channel]] = relationship(back_populates="guild")


class Channel(Base):
    """A text channel games are announced in, with optional overrides of its server's defaults."""

    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    discord_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    guild_id: Mapped[int] = mapped_column(ForeignKey("guild.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    reminder_offsets: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    default_max_players: Mapped[int | None] = mapped_column(Integer, nullable=True)
    remind_maybe: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    host_role_ids: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    # Quorum defaults (issue 16); None: inherit (channel -> server -> environment).
    quorum_deadline_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quorum_action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    quorum_nudge_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # False once the bot stops seeing the channel (deleted, or hidden from it); games stay.
    bot_present: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Seat offers (issue 16); None inherits (channel: the server's; server: the default).
    seat_mode: Mapped[str | None] = mapped_column(String(10), nullable=True)
    offer_window_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reconfirm_frees_seat: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # Overrides of the server's pings and threads; None inherits, ping role 0 means "no ping here".
    ping_role_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    game_threads: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    thread_posts: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    guild: Mapped[Guild] = relationship(back_populates="channels")


class Role(Base):
    """A server role as the bot last saw it, so pages can name roles without asking Discord."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    discord_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    guild_id: Mapped[int] = mapped_column(ForeignKey("guild.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    permissions: Mapped[int] = mapped_column(BigInteger, default=0)

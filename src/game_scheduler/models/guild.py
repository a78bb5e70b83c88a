"""Discord servers, their channels and roles as the bot last saw them, with scheduling settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, true
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
    bot_present: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

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
    # False once the bot stops seeing the channel (deleted, or hidden from it); games stay.
    bot_present: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    guild: Mapped[Guild] = relationship(back_populates="channels")


class Role(Base):
    """A server role as the bot last saw it, so pages can name roles without asking Discord."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    discord_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    guild_id: Mapped[int] = mapped_column(ForeignKey("guild.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    permissions: Mapped[int] = mapped_column(BigInteger, default=0)

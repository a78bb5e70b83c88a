"""Events written in the same transaction as the change they report, and who handled which."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from game_scheduler.models.base import Base, IdType, UTCDateTime, utcnow


class OutboxEvent(Base):
    """An event waiting to be published, published (``published_at``), or set aside (``failed_at``).

    A row set aside can never be published as it is (no valid envelope, refused by the broker);
    the relay skips it and retention keeps it for an operator to review.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_unpublished",
            "id",
            postgresql_where="published_at IS NULL AND failed_at IS NULL",
            sqlite_where="published_at IS NULL AND failed_at IS NULL",
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProcessedEvent(Base):
    """A consumer's claim on an event: in progress (a lease) until ``completed_at`` is set.

    A fresh claim in progress means another delivery is working on the event; one older than
    the lease was left by a consumer that died and may be taken over; a completed one is done.
    """

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64), default="")
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(32), default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DmDelivery(Base):
    """What became of a ``notification.send_dm``: sending, sent (DM or channel), expired, limited.

    The row is written with route ``sending`` before the message goes out, so a redelivery after a
    crash knows an attempt was made and when (``attempted_at``), and resends with the same nonce.
    """

    __tablename__ = "dm_delivery"
    __table_args__ = (Index("ix_dm_delivery_recipient_game", "recipient_discord_id", "game_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    recipient_discord_id: Mapped[int] = mapped_column(BigInteger, index=True)
    game_id: Mapped[int | None] = mapped_column(
        ForeignKey("game.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    route: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

"""An open question to one player about one seat: a freed seat offered, or a re-confirmation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from game_scheduler.models.base import Base, IdType, UTCDateTime, utcnow


class SeatOffer(Base):
    """Open while ``resolved_at`` is NULL; at most one open offer per participant.

    The expiry task finds open offers past ``expires_at`` through the partial index.
    """

    __tablename__ = "seat_offer"
    __table_args__ = (
        Index(
            "uq_seat_offer_open_participant",
            "participant_id",
            unique=True,
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
        Index(
            "ix_seat_offer_open_expires_at",
            "expires_at",
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("game.id", ondelete="CASCADE"), index=True)
    # NULL once the signup is gone (the offer was resolved before; the row stays as history).
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), nullable=True
    )
    user_discord_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # domain.offers.OfferKind
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # domain.offers.Outcome

"""Server-side login sessions and pending OAuth2 logins, in the database for every api replica."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from game_scheduler.models.base import Base, UTCDateTime, utcnow
from game_scheduler.models.user import User


class WebSession(Base):
    """A signed-in browser; the cookie holds only ``id``, Discord tokens stay here encrypted."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(128))
    access_token_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    refresh_token_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    token_refresh_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    discord_cache: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    discord_cached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship()


class OAuthState(Base):
    """A login in flight: the single-use ``state`` and its PKCE verifier."""

    __tablename__ = "oauth_state"

    state: Mapped[str] = mapped_column(String(128), primary_key=True)
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_url: Mapped[str] = mapped_column(String(500), default="/")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

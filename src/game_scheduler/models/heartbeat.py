"""Which processes are alive: each one refreshes its row every ``HEARTBEAT_INTERVAL`` seconds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from game_scheduler.models.base import Base, IdType, UTCDateTime, utcnow


class ProcessHeartbeat(Base):
    """A process (api, bot, worker, beat) or a periodic job (relay), and when it was last seen."""

    __tablename__ = "process_heartbeat"
    __table_args__ = (UniqueConstraint("kind", "host", "pid"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

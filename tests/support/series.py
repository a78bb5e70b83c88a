"""Series made through the real service, and a publisher that keeps what it was given."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from game_scheduler.database import get_db_session
from game_scheduler.domain.series import CarryMode, Repeat, RepeatKind
from game_scheduler.messaging.events import Envelope
from game_scheduler.models import GameSeries, utcnow
from game_scheduler.services import games
from game_scheduler.services.series import Recurrence, create_series
from tests.support.factories import CHANNEL_ID, HOST_ID, member


class KeepingPublisher:
    """A sync publisher that records envelopes instead of sending them."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        self.envelopes.extend(envelopes)


async def create_weekly(
    *,
    hours_ahead: int = 24,
    carry: CarryMode = CarryMode.FRESH,
    max_players: int = 4,
    **repeat: object,
) -> tuple[GameSeries, int]:
    """A weekly series whose first game starts ``hours_ahead`` from now; (series, first game id)."""
    draft = games.GameDraft(
        channel_discord_id=CHANNEL_ID,
        title="Tuesday D&D",
        scheduled_at=utcnow().replace(microsecond=0) + timedelta(hours=hours_ahead),
        max_players=max_players,
    )
    recurrence = Recurrence(
        zone="Europe/Berlin",
        repeat=Repeat(RepeatKind.WEEKLY, **repeat),  # type: ignore[arg-type]
        carry_mode=carry,
    )
    async with get_db_session() as session:
        plan, game = await create_series(session, member(HOST_ID), draft, recurrence)
        return plan, game.id

"""Envelopes to publish in tests."""

from __future__ import annotations

from game_scheduler.messaging.events import DmKind, Envelope, EventType, SendDm, make_event


def send_dm(n: int = 0) -> Envelope:
    """A reminder DM event; ``n`` varies the recipient."""
    return make_event(
        EventType.SEND_DM,
        SendDm(
            recipient_discord_id=str(700_000_000_000_000_000 + n),
            kind=DmKind.REMINDER,
            game_id=1,
            title="Catan night — «Ünïcode»",
            starts_at=1_900_000_000,
            offset_minutes=15,
            guild_discord_id="900000000000000001",
            channel_discord_id="900000000000000101",
        ),
    )

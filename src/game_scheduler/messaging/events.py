"""Event types, their payloads and the envelope every process publishes and consumes."""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from game_scheduler.domain.notices import (
    DmKind as DmKind,
)  # re-exported: part of the event contract


class EventType(enum.StrEnum):
    """The routing key of each event: what happened, in the past tense."""

    GAME_CREATED = "game.created"
    GAME_UPDATED = "game.updated"
    GAME_CANCELLED = "game.cancelled"
    GAME_STARTED = "game.started"
    GAME_COMPLETED = "game.completed"
    PLAYER_JOINED = "game.player_joined"
    PLAYER_LEFT = "game.player_left"
    WAITLIST_PROMOTED = "game.waitlist_promoted"
    WAITLIST_DEMOTED = "game.waitlist_demoted"
    PLAYER_RESPONDED = "game.player_responded"  # answered maybe / can't, holding no seat
    SEND_DM = "notification.send_dm"
    QUORUM_NUDGED = "game.quorum_nudged"
    QUORUM_MET = "game.quorum_met"
    QUORUM_MISSED = "game.quorum_missed"


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GameRef(_Payload):
    """Which game an event is about, with where it is announced."""

    game_id: int
    guild_discord_id: str
    channel_discord_id: str


class GameChanged(GameRef):
    """A game's details changed; ``changes`` names the fields."""

    changes: list[str] = Field(default_factory=list)


class PlayerChanged(GameRef):
    """A player joined, left, was promoted or demoted; where they stand now.

    ``response`` is their RSVP answer when it is maybe or declined (None: going, or gone).
    """

    user_discord_id: str
    confirmed: bool
    waitlist_position: int | None = None
    response: str | None = None


class QuorumNudge(GameRef):
    """A short game's call for players, posted once in its channel; the bot pings the role its
    channel pings for new games, read when it posts."""

    title: str
    starts_at: int
    needed: int


class SendDm(_Payload):
    """Everything the bot needs to write a direct message without another query."""

    recipient_discord_id: str
    kind: DmKind
    game_id: int
    title: str
    starts_at: int
    offset_minutes: int | None = None
    reminder_id: int | None = None
    waitlist_position: int | None = None
    guild_discord_id: str
    channel_discord_id: str
    url: str | None = None  # a page to act on (the attendance form), set by whoever stages it
    message_url: str | None = None  # the announcement message; the bot fills it in when sending
    server_name: str | None = None  # filled in by the bot when sending, like ``message_url``
    location: str | None = None
    offer_id: int | None = None  # seat_offer / reconfirm: the open question the buttons answer
    subject_discord_id: str | None = None  # seat_summary: who took the seat (None: nobody)
    reason: str | None = None  # a cancellation's reason, as the host gave it
    min_players: int | None = None
    confirmed_count: int | None = None


PAYLOADS: dict[EventType, type[_Payload]] = {
    EventType.GAME_CREATED: GameRef,
    EventType.GAME_UPDATED: GameChanged,
    EventType.GAME_CANCELLED: GameRef,
    EventType.GAME_STARTED: GameRef,
    EventType.GAME_COMPLETED: GameRef,
    EventType.PLAYER_JOINED: PlayerChanged,
    EventType.PLAYER_LEFT: PlayerChanged,
    EventType.WAITLIST_PROMOTED: PlayerChanged,
    EventType.WAITLIST_DEMOTED: PlayerChanged,
    EventType.PLAYER_RESPONDED: PlayerChanged,
    EventType.SEND_DM: SendDm,
    EventType.QUORUM_NUDGED: QuorumNudge,
    EventType.QUORUM_MET: GameRef,
    EventType.QUORUM_MISSED: GameRef,
}


# Sorted keys put "data" (an object) first: how a canonically stored envelope starts.
_CANONICAL_START = '{"data":{'


class Envelope(BaseModel):
    """What travels: the same bytes whichever process sent it."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID
    event_type: EventType
    occurred_at: datetime
    data: dict[str, Any]

    def to_bytes(self) -> bytes:
        """Canonical JSON: sorted keys, no spaces, UTF-8 (encoded once per envelope)."""
        return self.body

    @cached_property
    def body(self) -> bytes:
        """The message body, kept: the outbox row and the broker message share one encoding."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; its body is encoded afresh (a kept body would describe the original)."""
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("body", None)
        return copied

    @classmethod
    def from_bytes(cls, body: bytes) -> Envelope:
        """Parse and validate a message body; raises ``pydantic.ValidationError`` or ValueError."""
        envelope = cls.model_validate_json(body)
        envelope.payload()
        return envelope

    @classmethod
    def from_stored(cls, text: str) -> Envelope:
        """Parse and validate an outbox payload; raises ``pydantic.ValidationError``.

        Rows stored in the canonical encoding (every writer now: ``database.canonical_json``,
        ``outbox.stage_many``) keep their text as the body; it starts with the first key in
        sorted order. Older rows are encoded again.
        """
        envelope = cls.model_validate_json(text)
        if text.startswith(_CANONICAL_START):
            envelope.__dict__["body"] = text.encode()  # what the cached property would compute
        return envelope

    def payload(self) -> _Payload:
        """The typed payload for this event type."""
        return PAYLOADS[self.event_type].model_validate(self.data)


def make_event(event_type: EventType, payload: _Payload) -> Envelope:
    """A fresh envelope with a new id, stamped now (UTC)."""
    expected = PAYLOADS[event_type]
    if not isinstance(payload, expected):
        raise TypeError(f"{event_type} carries {expected.__name__}, not {type(payload).__name__}")
    return _envelope(event_type, payload.model_dump(mode="json"))


def dm_to_each(dm: SendDm, recipients: Iterable[int]) -> list[Envelope]:
    """``dm`` as sent to each of ``recipients`` (its own recipient stands for them): validated
    and turned into JSON once, not once per recipient (a reminder goes to a whole lineup)."""
    data = dm.model_dump(mode="json")
    return [
        _envelope(EventType.SEND_DM, {**data, "recipient_discord_id": str(discord_id)})
        for discord_id in recipients
    ]


def _envelope(event_type: EventType, data: dict[str, Any]) -> Envelope:
    # Built from values already of the right types (a validated payload's JSON form).
    return Envelope.model_construct(
        event_id=uuid.uuid4(), event_type=event_type, occurred_at=datetime.now(UTC), data=data
    )

"""The envelope's body: encoded once, canonical, and never stale after a copy."""

import json

from game_scheduler.messaging.events import (
    Envelope,
    EventType,
    GameRef,
    SendDm,
    dm_to_each,
    make_event,
)
from tests.support.events import send_dm


def _event() -> Envelope:
    return make_event(
        EventType.GAME_CREATED, GameRef(game_id=7, guild_discord_id="1", channel_discord_id="2")
    )


def test_body_is_canonical_json_of_the_envelope():
    envelope = _event()
    body = envelope.to_bytes()
    expected = json.dumps(
        envelope.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    assert body == expected
    assert Envelope.from_bytes(body) == envelope


def test_body_is_encoded_once_and_shared():
    envelope = _event()
    assert envelope.to_bytes() is envelope.to_bytes()


def test_a_copy_encodes_its_own_body():
    envelope = _event()
    envelope.to_bytes()
    copied = envelope.model_copy(update={"data": {**envelope.data, "game_id": 8}})
    assert json.loads(copied.to_bytes())["data"]["game_id"] == 8
    assert copied != envelope


def test_kept_body_does_not_change_equality():
    envelope = _event()
    twin = Envelope.model_validate(envelope.model_dump())
    envelope.to_bytes()
    assert twin == envelope


def test_made_events_are_validated_through_their_payload():
    envelope = _event()
    assert envelope.payload() == GameRef(game_id=7, guild_discord_id="1", channel_discord_id="2")
    assert envelope.model_dump() == Envelope.model_validate(envelope.model_dump()).model_dump()


def test_a_canonically_stored_envelope_keeps_its_text_as_body():
    envelope = _event()
    stored = envelope.to_bytes().decode()
    parsed = Envelope.from_stored(stored)
    assert parsed == envelope
    assert parsed.to_bytes() == envelope.to_bytes()


def test_an_envelope_stored_otherwise_is_encoded_again():
    envelope = _event()
    stored = json.dumps(envelope.model_dump(mode="json"), indent=1)
    assert Envelope.from_stored(stored).to_bytes() == envelope.to_bytes()


def test_one_dm_to_each_recipient_is_that_dm_with_their_id():
    dm = send_dm().payload()
    assert isinstance(dm, SendDm)
    events = dm_to_each(dm, [11, 12, 13])
    assert [e.event_type for e in events] == [EventType.SEND_DM] * 3
    assert [e.payload() for e in events] == [
        dm.model_copy(update={"recipient_discord_id": r}) for r in ("11", "12", "13")
    ]
    assert len({e.event_id for e in events}) == 3
    assert dm_to_each(dm, []) == []

"""Option parsing and the words of replies and DMs."""

import pytest

from game_scheduler.bot.command_text import bounded, parse_offsets, parse_roles
from game_scheduler.bot.dm_text import dm_text, fallback_text
from game_scheduler.errors import ValidationError
from game_scheduler.messaging.events import DmKind, SendDm


@pytest.mark.parametrize(
    ("given", "parsed"),
    [("60, 15", [60, 15]), ("30 10", [30, 10]), ("none", []), ("Default", None)],
)
def test_parse_offsets(given, parsed):
    assert parse_offsets(given) == parsed


@pytest.mark.parametrize("given", ["soon", "60, -5", "", "1h"])
def test_parse_offsets_rejects_what_is_not_minutes(given):
    with pytest.raises(ValidationError, match="minutes before the start"):
        parse_offsets(given)


@pytest.mark.parametrize(
    ("given", "parsed"),
    [
        ("<@&123456> <@&234567>", [123456, 234567]),
        ("123456, <@&234567>", [123456, 234567]),
        ("anyone", []),
        ("inherit", None),
    ],
)
def test_parse_roles(given, parsed):
    assert parse_roles(given) == parsed


@pytest.mark.parametrize("given", ["@Host", "<@&12> hosts", "<@123456>"])
def test_parse_roles_rejects_anything_but_role_mentions(given):
    with pytest.raises(ValidationError, match="role mentions"):
        parse_roles(given)


def test_bounded_stays_under_discords_message_limit():
    text = bounded("head", ["x" * 300] * 10, "empty")
    assert len(text) <= 2000
    assert text.endswith("…and 4 more")
    assert bounded("head", [], "empty") == "empty"


def _dm(kind: DmKind) -> SendDm:
    return SendDm(
        recipient_discord_id="77",
        kind=kind,
        game_id=1,
        title="Catan *night*",
        starts_at=1_900_000_000,
        guild_discord_id="1",
        channel_discord_id="2",
    )


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (DmKind.REMINDER, "Reminder: **Catan \\*night\\*** starts <t:1900000000:R>"),
        (DmKind.WAITLIST_PROMOTION, "you're now confirmed"),
        (DmKind.CANCELLATION, "was cancelled by the host"),
        (DmKind.RESCHEDULED, "it now starts <t:1900000000:F>"),
        (DmKind.REMOVED, "The host removed you"),
        (DmKind.DEMOTED, "The host reduced the seats"),
    ],
)
def test_every_dm_kind_has_its_words_and_a_link(kind, words):
    text = dm_text(_dm(kind))
    assert words in text
    assert text.endswith("https://discord.com/channels/1/2")


def test_a_demoted_player_is_told_their_waitlist_place():
    dm = _dm(DmKind.DEMOTED).model_copy(update={"waitlist_position": 2})
    assert "you are now #2 on the waitlist" in dm_text(dm)


def test_fallback_mentions_the_user_in_one_line():
    text = fallback_text(_dm(DmKind.REMINDER))
    assert text.startswith("<@77> (I couldn't DM you) Reminder:")
    assert "\n" not in text


def test_a_dm_names_the_server_and_place_and_links_to_the_message():
    dm = _dm(DmKind.REMINDER).model_copy(
        update={
            "server_name": "Board *Games*",
            "location": "Table 3",
            "message_url": "https://discord.com/channels/1/2/3",
        }
    )
    first, where, link = dm_text(dm).split("\n")
    assert first.startswith("Reminder:")
    assert where == "Server: **Board \\*Games\\*** · Place: Table 3"
    assert link == "https://discord.com/channels/1/2/3"
    assert "\n" not in fallback_text(dm)

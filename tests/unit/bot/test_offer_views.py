"""Offer DMs: their buttons, their words, and how the console shows them."""

from game_scheduler.bot.console_port import ConsolePort
from game_scheduler.bot.dm_text import dm_text
from game_scheduler.bot.offer_views import OfferButton, offer_view
from game_scheduler.messaging.events import DmKind, SendDm


def _dm(kind: DmKind, **more: object) -> SendDm:
    return SendDm(
        recipient_discord_id="7",
        kind=kind,
        game_id=3,
        title="Catan",
        starts_at=1_900_000_000,
        guild_discord_id="1",
        channel_discord_id="2",
        **more,
    )


async def test_offer_and_reconfirm_dms_get_two_answers_and_others_none():
    seat = offer_view(42, DmKind.SEAT_OFFER)
    assert seat is not None
    assert [(b.item.label, b.custom_id) for b in seat.children if isinstance(b, OfferButton)] == [
        ("Accept", "gs:offer:42:yes"),
        ("Pass", "gs:offer:42:no"),
    ]
    keep = offer_view(42, DmKind.RECONFIRM)
    assert keep is not None
    assert [b.item.label for b in keep.children if isinstance(b, OfferButton)] == [
        "Keep my seat",
        "Can't make it",
    ]
    assert offer_view(42, DmKind.REMINDER) is None


async def test_the_console_shows_the_answers_under_the_dm():
    port = ConsolePort()
    await port.send_dm(7, "A seat freed up", nonce="n", view=offer_view(1, DmKind.SEAT_OFFER))
    assert port.messages[0].text == "A seat freed up\n[Accept] [Pass]"


def test_the_host_summary_names_who_took_the_seat_or_says_nobody_did():
    assert "<@99> accepted it." in dm_text(_dm(DmKind.SEAT_SUMMARY, subject_discord_id="99"))
    assert "Nobody on the waitlist took it" in dm_text(_dm(DmKind.SEAT_SUMMARY))
    assert "Accept or Pass" in dm_text(_dm(DmKind.SEAT_OFFER, offer_id=1))

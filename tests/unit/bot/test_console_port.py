"""The console port keeps a readable, bounded record of what the bot would have sent."""

import discord
import pytest

from game_scheduler.bot import console_port
from game_scheduler.bot.console_port import ConsolePort
from game_scheduler.bot.port import Announcement, MessageGone


def _announcement(game_id: int = 1, joinable: bool = True) -> Announcement:
    embed = discord.Embed(title="Catan night", description="Bring snacks")
    embed.add_field(name="Players (0/4)", value="Nobody yet")
    embed.set_footer(text=f"Game #{game_id}")
    return Announcement(game_id=game_id, embed=embed, joinable=joinable)


async def test_posts_edits_and_dms_are_kept_readably():
    port = ConsolePort()
    message_id = await port.post_announcement(5, _announcement(), nonce="g1")
    await port.edit_announcement(5, message_id, _announcement(joinable=False))
    await port.send_dm(7, "Reminder: soon", nonce="n")

    post, edit, dm = port.messages
    assert post.text == (
        "## Catan night\nBring snacks\nPlayers (0/4): Nobody yet\n(Game #1)\n"
        "[Join] [Maybe] [Can't] [Leave]"
    )
    assert (edit.action, edit.message_id) == ("edit", message_id)
    assert edit.text.endswith("(signups closed)")
    assert (dm.action, dm.target, dm.text) == ("dm", "user 7", "Reminder: soon")


async def test_a_message_from_an_earlier_run_is_gone():
    port = ConsolePort()
    other = await port.post_announcement(5, _announcement(game_id=2), nonce="g2")
    with pytest.raises(MessageGone):
        await port.edit_announcement(5, 999, _announcement())
    with pytest.raises(MessageGone):
        await port.edit_announcement(5, other, _announcement(game_id=1))


async def test_only_the_newest_messages_are_kept(monkeypatch):
    monkeypatch.setattr(console_port, "KEEP_LAST", 3)
    port = ConsolePort()
    for n in range(5):
        await port.send_dm(n, f"dm {n}", nonce=str(n))
    assert [m.text for m in port.messages] == ["dm 2", "dm 3", "dm 4"]


async def test_an_edit_that_changes_nothing_is_not_recorded_again(caplog):
    caplog.set_level("INFO", logger="game_scheduler.bot.console_port")
    port = ConsolePort()
    message_id = await port.post_announcement(5, _announcement(), nonce="g1")
    caplog.clear()
    for _ in range(3):
        await port.edit_announcement(5, message_id, _announcement())
    assert [m.action for m in port.messages] == ["post"]
    assert all("unchanged" in r.getMessage() for r in caplog.records)
    assert not any("Catan night" in r.getMessage() for r in caplog.records)
    await port.edit_announcement(5, message_id, _announcement(joinable=False))
    assert [m.action for m in port.messages] == ["post", "edit"]

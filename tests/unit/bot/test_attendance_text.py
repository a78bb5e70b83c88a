"""The words of the host's attendance prompt, by DM and in the channel when DMs are closed."""

from game_scheduler.bot.dm_text import dm_text, fallback_text
from game_scheduler.messaging.events import DmKind, SendDm

URL = "https://games.example.org/games/1/attendance"
PROMPT = SendDm(
    recipient_discord_id="77",
    kind=DmKind.ATTENDANCE,
    game_id=1,
    title="Catan",
    starts_at=1_900_000_000,
    guild_discord_id="1",
    channel_discord_id="2",
    url=URL,
)


def test_the_prompt_links_to_the_attendance_form():
    assert dm_text(PROMPT) == (
        f"**Catan** (<t:1900000000:F>) is over. Mark who came and who didn't show:\n{URL}"
    )


def test_the_channel_fallback_keeps_the_link_on_its_one_line():
    text = fallback_text(PROMPT)
    assert text.startswith("<@77> (I couldn't DM you) **Catan**")
    assert text.endswith(URL)
    assert "\n" not in text

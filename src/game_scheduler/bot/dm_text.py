"""The words of each direct message, and of the channel post used when DMs are closed."""

from __future__ import annotations

from discord.utils import escape_markdown

from game_scheduler.messaging.events import DmKind, SendDm


def dm_text(dm: SendDm) -> str:
    """The direct message for one ``notification.send_dm`` event."""
    title = f"**{escape_markdown(dm.title)}**"
    at, relative = f"<t:{dm.starts_at}:F>", f"<t:{dm.starts_at}:R>"
    lines = {
        DmKind.REMINDER: f"Reminder: {title} starts {relative} ({at}).",
        DmKind.WAITLIST_PROMOTION: (
            f"Good news: a seat freed up and you're now confirmed for {title} ({at})."
        ),
        DmKind.DEMOTED: (
            f"The host reduced the seats for {title} ({at}); you are now "
            f"#{dm.waitlist_position or 1} on the waitlist."
        ),
        DmKind.CANCELLATION: f"{title} ({at}) was cancelled by the host.",
        DmKind.RESCHEDULED: f"{title} was moved: it now starts {at} ({relative}).",
        DmKind.REMOVED: f"The host removed you from {title} ({at}).",
    }
    text = lines[dm.kind]
    where = [f"Server: **{escape_markdown(dm.server_name)}**"] if dm.server_name else []
    if dm.location:
        where.append(f"Place: {escape_markdown(dm.location)}")
    if where:
        text += "\n" + " · ".join(where)
    link = dm.url or f"https://discord.com/channels/{dm.guild_discord_id}/{dm.channel_discord_id}"
    return f"{text}\n{link}"


def fallback_text(dm: SendDm) -> str:
    """A short channel post for a user who does not accept DMs."""
    first_line = dm_text(dm).split("\n", 1)[0]
    return f"<@{dm.recipient_discord_id}> (I couldn't DM you) {first_line}"

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
        DmKind.ATTENDANCE: f"{title} ({at}) is over. Mark who came and who didn't show:",
        DmKind.CARRIED_OVER: (
            f"You played the last one, so you're confirmed for the next {title} ({at})."
            " Can't make it? Press the button below so someone else gets the seat."
        ),
        **offer_lines(dm, title, at),
        DmKind.QUORUM_ON: f"{title} is on: it has its {dm.min_players or 1} players. See you {at}!",
        DmKind.QUORUM_CANCELLED: (
            f"{title} ({at}) was cancelled: not enough players "
            f"({dm.confirmed_count or 0} of the {dm.min_players or 1} needed)."
        ),
        DmKind.QUORUM_ASK_HOST: (
            f"{title} ({at}) reached its deadline with {dm.confirmed_count or 0} of the "
            f"{dm.min_players or 1} players it needs. Cancel it, or keep it as it is?"
        ),
    }
    text = lines[dm.kind]
    if dm.kind is DmKind.CANCELLATION and dm.reason:
        text += f"\nReason: {escape_markdown(dm.reason)}"
    where = [f"Server: **{escape_markdown(dm.server_name)}**"] if dm.server_name else []
    if dm.location:
        where.append(f"Place: {escape_markdown(dm.location)}")
    if where:
        text += "\n" + " · ".join(where)
    channel = f"https://discord.com/channels/{dm.guild_discord_id}/{dm.channel_discord_id}"
    link = dm.url or dm.message_url or channel  # a page to act on, else the announcement
    return f"{text}\n{link}"


def offer_lines(dm: SendDm, title: str, at: str) -> dict[DmKind, str]:
    """Seat offers, re-confirmations and the host's summary (issue 16)."""
    taker = "Nobody on the waitlist took it: anyone can join."
    if dm.subject_discord_id is not None:
        taker = f"<@{dm.subject_discord_id}> accepted it."
    return {
        DmKind.SEAT_OFFER: (
            f"A seat freed up in {title} ({at}) and it's yours if you want it: "
            "Accept or Pass below. If you don't answer in time it goes to the next player."
        ),
        DmKind.RECONFIRM: (
            f"{title} was moved to {at}. Are you still coming? Keep your seat or tell us you "
            "can't make it."
        ),
        DmKind.OFFER_LAPSED: (
            f"You didn't answer in time, so your seat in {title} ({at}) went to the next "
            "player. You can join again from the announcement."
        ),
        DmKind.SEAT_SUMMARY: f"A seat freed up in your game {title} ({at}). {taker}",
    }


def fallback_text(dm: SendDm) -> str:
    """A short channel post for a user who does not accept DMs."""
    first_line = dm_text(dm).split("\n", 1)[0]
    link = f" {dm.url}" if dm.url else ""  # a page to act on (the attendance form) stays
    return f"<@{dm.recipient_discord_id}> (I couldn't DM you) {first_line}{link}"


def nudge_text(title: str, starts_at: int, needed: int, role_discord_id: int | None) -> str:
    """The one call for players a short game makes in its channel before its deadline."""
    who = f"<@&{role_discord_id}> " if role_discord_id else ""
    players = "player" if needed == 1 else "players"
    return (
        f"{who}**{escape_markdown(title)}** (<t:{starts_at}:F>) needs {needed} more {players} "
        "to go ahead. Join from the announcement!"
    )


def mention_text(dm: SendDm) -> str:
    """A reminder posted in the game's channel for a user who asked for mentions, not DMs."""
    first_line = dm_text(dm).split("\n", 1)[0]
    return f"<@{dm.recipient_discord_id}> {first_line}"

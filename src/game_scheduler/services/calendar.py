"""Games as RFC 5545 calendars: one game's .ics, and each user's private feed of their games."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from game_scheduler.config import get_settings
from game_scheduler.domain import rsvp
from game_scheduler.domain.games import is_control
from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.status import ends_at
from game_scheduler.errors import NotFound
from game_scheduler.models import Game, GameStatus, Participant, User, new_calendar_token
from game_scheduler.seats import lineups
from game_scheduler.services import members
from game_scheduler.services.loading import load_game
from game_scheduler.services.registry import ensure_user


class Standing(enum.StrEnum):
    """How the calendar's owner takes part in a game."""

    HOST = "host"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    MAYBE = "maybe"
    DECLINED = "declined"
    NONE = "none"


# The owner's RSVP as iCalendar's participation status (RFC 5545 3.2.12). A waitlisted player
# said yes but holds no seat yet: NEEDS-ACTION, so that TENTATIVE means only "maybe".
PARTSTAT = {
    Standing.HOST: "ACCEPTED",
    Standing.CONFIRMED: "ACCEPTED",
    Standing.WAITLISTED: "NEEDS-ACTION",
    Standing.MAYBE: "TENTATIVE",
    Standing.DECLINED: "DECLINED",
}


def _standing(game: Game, user_id: int | None) -> tuple[Standing, int | None]:
    mine = next((p for p in game.participants if p.user_id == user_id), None)
    if mine is not None:
        status, place = lineups.status(game, mine)
        if game.host_id != user_id or status is not rsvp.RsvpStatus.DECLINED:
            return Standing(status.value), place
    if game.host_id == user_id:
        return Standing.HOST, None
    return Standing.NONE, None


def ics_text(value: str, *, multiline: bool = False) -> vText:
    """Text as RFC 5545 allows it: line breaks kept (escaped) only where asked, no controls.

    Rows written before control characters were refused may still hold them.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    keep = "\n\t" if multiline else "\t"
    return vText("".join(c if c in keep or not is_control(c) else " " for c in text))


def _uid_domain() -> str:
    return urlsplit(get_settings().public_url).hostname or "game-scheduler"


def series_uid(series_id: int) -> str:
    """The UID a series' occurrences name as their parent (RELATED-TO)."""
    return f"series-{series_id}@{_uid_domain()}"


def _standing_line(standing: Standing, place: int | None) -> str:
    return {
        Standing.HOST: "You are hosting this game.",
        Standing.CONFIRMED: "You are confirmed: you have a seat.",
        Standing.WAITLISTED: f"You are waitlisted: number {place} on the waitlist.",
        Standing.MAYBE: "You answered maybe: you hold no seat.",
        Standing.DECLINED: "You answered that you can't make it.",
        Standing.NONE: "",
    }[standing]


def game_event(
    game: Game, standing: Standing, place: int | None, owner_discord_id: int | None = None
) -> Event:
    """One VEVENT for a game (times in UTC), saying how the calendar's owner takes part.

    The owner is an ATTENDEE (their Discord profile as the address) whose PARTSTAT is their
    RSVP; the host is the ORGANIZER.
    """
    event = Event()
    event.add("uid", f"game-{game.id}@{_uid_domain()}")
    event.add("dtstamp", game.updated_at)
    event.add("dtstart", game.scheduled_at)
    event.add("dtend", ends_at(game.scheduled_at, game.duration_minutes))
    event.add("sequence", game.version)
    if game.series_id is not None:
        # Each occurrence has its own UID (own roster, own edits); the series is its parent.
        event.add("related-to", series_uid(game.series_id), parameters={"RELTYPE": "PARENT"})
    summary = game.title
    if standing is Standing.WAITLISTED:
        summary = f"{summary} (waitlist #{place})"
    event.add("summary", ics_text(summary))
    if game.status is GameStatus.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "TENTATIVE" if standing is Standing.WAITLISTED else "CONFIRMED")
    players = len(lineups.going(game))
    lines = [
        _standing_line(standing, place),
        f"Players: {min(players, game.max_players)}/{game.max_players}"
        + (f", {players - game.max_players} waiting" if players > game.max_players else ""),
        game.description,
        game.signup_instructions,
    ]
    event.add("description", ics_text("\n\n".join(line for line in lines if line), multiline=True))
    if game.location:
        event.add("location", ics_text(game.location))
    event.add("organizer", _address(game.host.discord_id, game.host.username))
    if owner_discord_id is not None and standing in PARTSTAT:
        attendee = _address(owner_discord_id, None)
        attendee.params["PARTSTAT"] = PARTSTAT[standing]
        if standing is Standing.HOST:
            attendee.params["ROLE"] = "CHAIR"
        event.add("attendee", attendee)
    if game.discord_message_id is not None:
        event.add(
            "url",
            f"https://discord.com/channels/{game.guild.discord_id}/"
            f"{game.channel.discord_id}/{game.discord_message_id}",
        )
    return event


def _address(discord_id: int, name: str | None) -> vCalAddress:
    """A Discord user as an iCalendar address (their profile URL; Discord shares no e-mail)."""
    address = vCalAddress(f"https://discord.com/users/{discord_id}")
    if name:  # a parameter value may hold no control character and no double quote
        address.params["CN"] = str(ics_text(name)).replace('"', "'")
    return address


def render(name: str, events: Iterable[Event]) -> bytes:
    """A whole calendar, ready to serve as ``text/calendar``."""
    calendar = Calendar()
    calendar.add("prodid", "-//Game Scheduler//game-scheduler//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", ics_text(name))
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


async def _user_id(db: AsyncSession, discord_id: int) -> int | None:
    return (
        await db.execute(select(User.id).where(User.discord_id == discord_id))
    ).scalar_one_or_none()


async def game_ics(db: AsyncSession, actor: Actor, game_id: int) -> bytes:
    """One game's calendar for a member of its server."""
    game = await load_game(db, game_id, actor)
    standing, place = _standing(game, await _user_id(db, actor.discord_id))
    return render(game.title, [game_event(game, standing, place, actor.discord_id)])


async def feed_ics(db: AsyncSession, token: str) -> bytes:
    """Every game the token's owner hosts or answered going or maybe (a declined game leaves
    the feed); the token is the only credential."""
    user = (await db.execute(select(User).where(User.calendar_token == token))).scalar_one_or_none()
    if user is None:
        raise NotFound("calendar not found")
    joined = select(Participant.game_id).where(
        Participant.user_id == user.id, Participant.response != rsvp.Response.DECLINED
    )
    games = (
        await db.execute(
            select(Game)
            .where(or_(Game.host_id == user.id, Game.id.in_(joined)))
            .where(Game.guild_id.not_in(members.departed_guilds(user.id)))
            .order_by(Game.scheduled_at, Game.id)
            .options(
                selectinload(Game.participants),
                selectinload(Game.host),
                selectinload(Game.guild),
                selectinload(Game.channel),
            )
        )
    ).scalars()
    events = [game_event(game, *_standing(game, user.id), user.discord_id) for game in games]
    return render(f"Games of {user.username or 'a player'}", events)


def feed_url(token: str) -> str:
    """The private feed's address; anyone holding it can read the user's games."""
    return f"{get_settings().public_url.rstrip('/')}/calendar/{token}.ics"


async def regenerate_calendar_token(db: AsyncSession, actor: Actor) -> str:
    """Replace the feed token, so a leaked feed URL stops working."""
    user = await ensure_user(db, actor.discord_id, actor.username)
    user.calendar_token = new_calendar_token()
    await db.commit()
    return user.calendar_token

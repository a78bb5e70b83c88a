"""The player and DM events a roster change emits, staged in the caller's transaction (sync or
async: staging only adds rows); the one builder of those payloads."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from game_scheduler.domain import waitlist
from game_scheduler.messaging.events import DmKind, EventType, PlayerChanged, SendDm, make_event
from game_scheduler.messaging.outbox import stage
from game_scheduler.models import Game

SEAT_EVENTS = {
    DmKind.WAITLIST_PROMOTION: EventType.WAITLIST_PROMOTED,
    DmKind.DEMOTED: EventType.WAITLIST_DEMOTED,
}


def stage_player(
    session: Session | AsyncSession,
    game: Game,
    event_type: EventType,
    discord_id: int,
    rank: int | None,
    *,
    response: str | None = None,
) -> None:
    """A player event for the announcement; ``rank`` is their 0-based rank among the going
    players now, None once they left the line (``response`` then says maybe or declined, if
    that is why)."""
    payload = PlayerChanged(
        game_id=game.id,
        guild_discord_id=str(game.guild.discord_id),
        channel_discord_id=str(game.channel.discord_id),
        user_discord_id=str(discord_id),
        confirmed=rank is not None and waitlist.is_confirmed(rank, game.max_players),
        waitlist_position=None
        if rank is None
        else waitlist.waitlist_position(rank, game.max_players),
        response=response,
    )
    stage(session, make_event(event_type, payload))


def stage_dm(
    session: Session | AsyncSession,
    game: Game,
    recipient_discord_id: int,
    kind: DmKind,
    *,
    waitlist_position: int | None = None,
    offer_id: int | None = None,
    subject_discord_id: int | None = None,
) -> None:
    """A direct message about ``game`` to one user (a cancellation carries the host's reason)."""
    payload = SendDm(
        recipient_discord_id=str(recipient_discord_id),
        kind=kind,
        game_id=game.id,
        title=game.title,
        starts_at=int(game.scheduled_at.timestamp()),
        waitlist_position=waitlist_position,
        guild_discord_id=str(game.guild.discord_id),
        channel_discord_id=str(game.channel.discord_id),
        offer_id=offer_id,
        subject_discord_id=None if subject_discord_id is None else str(subject_discord_id),
        reason=game.cancel_reason if kind is DmKind.CANCELLATION else None,
    )
    stage(session, make_event(EventType.SEND_DM, payload))

"""The events a seat change emits, staged in the caller's (sync) transaction."""

from __future__ import annotations

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
    session: Session, game: Game, event_type: EventType, discord_id: int, rank: int | None
) -> None:
    """A player event for the announcement; ``rank`` None once the player left."""
    payload = PlayerChanged(
        game_id=game.id,
        guild_discord_id=str(game.guild.discord_id),
        channel_discord_id=str(game.channel.discord_id),
        user_discord_id=str(discord_id),
        confirmed=rank is not None and waitlist.is_confirmed(rank, game.max_players),
        waitlist_position=None
        if rank is None
        else waitlist.waitlist_position(rank, game.max_players),
    )
    stage(session, make_event(event_type, payload))


def stage_dm(
    session: Session,
    game: Game,
    recipient_discord_id: int,
    kind: DmKind,
    *,
    waitlist_position: int | None = None,
    offer_id: int | None = None,
    subject_discord_id: int | None = None,
) -> None:
    """A direct message about ``game`` to one user."""
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
    )
    stage(session, make_event(EventType.SEND_DM, payload))

"""Build the events a game change emits, from the loaded game."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain import waitlist
from game_scheduler.domain.notices import Notice
from game_scheduler.messaging.events import (
    DmKind,
    EventType,
    GameChanged,
    GameRef,
    PlayerChanged,
    SendDm,
    make_event,
)
from game_scheduler.messaging.outbox import stage
from game_scheduler.models import Game, Participant
from game_scheduler.seats import lineups


def game_ref(game: Game) -> GameRef:
    """The event fields that locate a game and its announcement."""
    return GameRef(
        game_id=game.id,
        guild_discord_id=str(game.guild.discord_id),
        channel_discord_id=str(game.channel.discord_id),
    )


def stage_game_event(session: AsyncSession, event_type: EventType, game: Game) -> None:
    """Stage game.created / cancelled / started / completed."""
    stage(session, make_event(event_type, game_ref(game)))


def stage_game_updated(session: AsyncSession, game: Game, changes: list[str]) -> None:
    """Stage game.updated naming the changed fields."""
    payload = GameChanged(**game_ref(game).model_dump(), changes=sorted(changes))
    stage(session, make_event(EventType.GAME_UPDATED, payload))


def stage_player_event(
    session: AsyncSession,
    event_type: EventType,
    game: Game,
    user_discord_id: int,
    rank: int | None = None,
    *,
    response: str | None = None,
) -> None:
    """Stage a player event; ``rank`` is their 0-based rank among the going players now, None
    once they left the line (``response`` then says maybe or declined, if that is why)."""
    payload = PlayerChanged(
        **game_ref(game).model_dump(),
        user_discord_id=str(user_discord_id),
        confirmed=rank is not None and waitlist.is_confirmed(rank, game.max_players),
        waitlist_position=None
        if rank is None
        else waitlist.waitlist_position(rank, game.max_players),
        response=response,
    )
    stage(session, make_event(event_type, payload))


def stage_dm(
    session: AsyncSession,
    game: Game,
    recipient_discord_id: int,
    kind: DmKind,
    waitlist_position: int | None = None,
) -> None:
    """Stage a direct message about ``game`` to one user."""
    ref = game_ref(game)
    payload = SendDm(
        recipient_discord_id=str(recipient_discord_id),
        kind=kind,
        game_id=game.id,
        title=game.title,
        starts_at=int(game.scheduled_at.timestamp()),
        waitlist_position=waitlist_position,
        guild_discord_id=ref.guild_discord_id,
        channel_discord_id=ref.channel_discord_id,
        reason=game.cancel_reason if kind is DmKind.CANCELLATION else None,
    )
    stage(session, make_event(EventType.SEND_DM, payload))


def stage_notices(session: AsyncSession, game: Game, notices: list[Notice[Participant]]) -> None:
    """One DM per notice; a promotion or demotion is also a player event for the announcement."""
    ranks = {p.id: rank for rank, p in enumerate(lineups.going(game))}
    seat_events = {
        DmKind.WAITLIST_PROMOTION: EventType.WAITLIST_PROMOTED,
        DmKind.DEMOTED: EventType.WAITLIST_DEMOTED,
    }
    for notice in notices:
        user_id = notice.recipient.user.discord_id
        if notice.kind in seat_events:
            rank = ranks[notice.recipient.id]
            stage_player_event(session, seat_events[notice.kind], game, user_id, rank)
        stage_dm(session, game, user_id, notice.kind, notice.waitlist_position)

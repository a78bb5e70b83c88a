"""Build the events a game change emits, from the loaded game."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.notices import Notice
from game_scheduler.messaging.events import (
    EventType,
    GameChanged,
    GameRef,
    make_event,
)
from game_scheduler.messaging.outbox import stage
from game_scheduler.models import Game, Participant
from game_scheduler.seats import lineups
from game_scheduler.seats.staging import SEAT_EVENTS, stage_dm, stage_player


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


def stage_notices(session: AsyncSession, game: Game, notices: list[Notice[Participant]]) -> None:
    """One DM per notice; a promotion or demotion is also a player event for the announcement."""
    ranks = {p.id: rank for rank, p in enumerate(lineups.going(game))}
    for notice in notices:
        user_id = notice.recipient.user.discord_id
        if notice.kind in SEAT_EVENTS:
            stage_player(
                session, game, SEAT_EVENTS[notice.kind], user_id, ranks[notice.recipient.id]
            )
        stage_dm(session, game, user_id, notice.kind, waitlist_position=notice.waitlist_position)

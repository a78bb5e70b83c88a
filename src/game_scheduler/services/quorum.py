"""A game's quorum as shown to people, and the host's answer to a short game: keep or cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.domain import quorum
from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.quorum import QuorumRules, QuorumState
from game_scheduler.errors import NotAllowed, ValidationError
from game_scheduler.messaging.events import EventType, make_event
from game_scheduler.messaging.outbox import commit_and_publish, stage
from game_scheduler.models import Game, GameStatus
from game_scheduler.services import game_events
from game_scheduler.services.games import cancel_game
from game_scheduler.services.loading import load_game


async def answer_short_game(
    session: AsyncSession, host_discord_id: int, game_id: int, *, keep: bool
) -> Game:
    """Keep (the game goes ahead short) or cancel; only the game's host, only while asked.

    The buttons come in a DM, where Discord tells no roles: the host is recognised by id.
    """
    game = await load_game(session, game_id, lock=True)
    if game.host.discord_id != host_discord_id:
        raise NotAllowed("only the host can answer for this game")
    if game.status is not GameStatus.SCHEDULED or game.quorum_state != QuorumState.ASKED:
        raise ValidationError("this game no longer waits for your answer")
    if not keep:
        host = Actor.member_of(host_discord_id, game.guild.discord_id, username=game.host.username)
        game.quorum_state = QuorumState.CANCELLED
        await session.flush()
        return await cancel_game(session, host, game_id)
    game.quorum_state = QuorumState.KEPT
    await session.flush()
    stage(session, make_event(EventType.QUORUM_MET, game_events.game_ref(game)))
    await commit_and_publish(session)
    return game


@dataclass(frozen=True)
class QuorumSummary:
    """What the embed, the web page and the API show: the deadline and where the game stands."""

    min_players: int
    deadline_at: datetime
    label: str


def rules_for(game: Game) -> QuorumRules:
    """The quorum settings in force for ``game``: game, then channel, then server, then default.

    A game built without its channel or server (not loaded from the database) has only its own.
    """
    settings = get_settings()
    levels: list[tuple[int | None, str | None, int | None]] = [
        (game.quorum_deadline_minutes, None, None)
    ]
    for level in (game.channel, game.guild):
        if level is not None:
            levels.append(
                (level.quorum_deadline_minutes, level.quorum_action, level.quorum_nudge_minutes)
            )
    return quorum.effective_rules(
        levels,
        (
            settings.default_quorum_deadline_minutes,
            settings.default_quorum_action,
            settings.default_quorum_nudge_minutes,
        ),
    )


def summarise(game: Game, confirmed: int) -> QuorumSummary | None:
    """None when no deadline is in force (its channel and server must be loaded)."""
    deadline = quorum.deadline_at(game.scheduled_at, rules_for(game))
    if deadline is None:
        return None
    return QuorumSummary(
        game.min_players, deadline, quorum.label(game.quorum_state, game.min_players, confirmed)
    )

"""The host's answer to a game short at its quorum deadline: keep it or cancel it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.quorum import QuorumState
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

"""The nudge a short game posts in its channel, decided against the game as it is when posted."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from game_scheduler.bot.dm_text import nudge_text
from game_scheduler.bot.port import DiscordPort
from game_scheduler.bot.threads import pings_of
from game_scheduler.database import get_db_session
from game_scheduler.domain import quorum
from game_scheduler.domain.rsvp import Response
from game_scheduler.messaging.events import Envelope, QuorumNudge
from game_scheduler.models import Game, GameStatus, Participant, User

log = logging.getLogger(__name__)


async def players_still_needed(game_id: int) -> tuple[int, int | None]:
    """How many more confirmed players the game needs now (0 when it has them or is not open),
    and the role its channel pings for new games (None: none)."""
    async with get_db_session() as session:
        game = await session.scalar(
            select(Game)
            .where(Game.id == game_id)
            .options(selectinload(Game.guild), selectinload(Game.channel))
        )
        if game is None or game.status is not GameStatus.SCHEDULED:
            return 0, None
        signed_up = await session.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.game_id == game_id, Participant.response == Response.GOING)
        )
        role = pings_of(game).ping_role_id
    return quorum.players_needed(game.min_players, min(signed_up or 0, game.max_players)), role


async def post_nudge(port: DiscordPort, envelope: Envelope, nonce: str) -> None:
    """Post the call for players unless the game filled up or closed since it was staged."""
    nudge = envelope.payload()
    assert isinstance(nudge, QuorumNudge)
    needed, role = await players_still_needed(nudge.game_id)
    if needed == 0:
        log.info("quorum nudge for game %d not posted: no longer short", nudge.game_id)
        return
    text = nudge_text(nudge.title, nudge.starts_at, needed, role)
    await port.post_channel_message(
        int(nudge.channel_discord_id), text, nonce, mention_role_id=role
    )


async def prefers_mention(discord_id: int) -> bool:
    """Whether the user asked for a mention in the game's channel instead of reminder DMs."""
    async with get_db_session() as session:
        chosen = await session.scalar(
            select(User.reminder_mention).where(User.discord_id == discord_id)
        )
    return bool(chosen)

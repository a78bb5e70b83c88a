"""Read-only lists of games for chat commands: what is coming up, and what I am part of."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from game_scheduler.domain import waitlist
from game_scheduler.domain.permissions import Actor, can_see
from game_scheduler.errors import NotFound
from game_scheduler.models import Channel, Game, GameStatus, Guild, Participant, User

LIVE = (GameStatus.SCHEDULED, GameStatus.IN_PROGRESS)


@dataclass(frozen=True)
class MyGame:
    """A game the user is part of, and how: host, confirmed, or waitlisted at a position."""

    game: Game
    hosting: bool
    confirmed: bool
    waitlist_position: int | None


def _with_details(stmt: Select[Game]) -> Select[Game]:
    return stmt.options(
        selectinload(Game.guild),
        selectinload(Game.channel),
        selectinload(Game.host),
        selectinload(Game.participants).selectinload(Participant.user),
    )


async def upcoming_games(
    session: AsyncSession,
    actor: Actor,
    guild_discord_id: int,
    channel_discord_id: int | None = None,
    limit: int = 10,
) -> list[Game]:
    """Scheduled and running games of one server (or one of its channels), soonest first."""
    if not can_see(actor, guild_discord_id):
        raise NotFound("this server is not known to the bot")
    stmt = (
        select(Game)
        .join(Guild, Game.guild_id == Guild.id)
        .where(Guild.discord_id == guild_discord_id, Game.status.in_(LIVE))
        .order_by(Game.scheduled_at, Game.id)
        .limit(limit)
    )
    if channel_discord_id is not None:
        stmt = stmt.join(Channel, Game.channel_id == Channel.id).where(
            Channel.discord_id == channel_discord_id
        )
    return list((await session.scalars(_with_details(stmt))).all())


async def my_games(
    session: AsyncSession, actor: Actor, guild_discord_id: int, limit: int = 15
) -> list[MyGame]:
    """Live games in one server the actor hosts or signed up for, soonest first."""
    if not can_see(actor, guild_discord_id):
        raise NotFound("this server is not known to the bot")
    user_id = await session.scalar(select(User.id).where(User.discord_id == actor.discord_id))
    if user_id is None:
        return []
    joined = select(Participant.game_id).where(Participant.user_id == user_id)
    stmt = (
        select(Game)
        .join(Guild, Game.guild_id == Guild.id)
        .where(
            Guild.discord_id == guild_discord_id,
            Game.status.in_(LIVE),
            or_(Game.host_id == user_id, Game.id.in_(joined)),
        )
        .order_by(Game.scheduled_at, Game.id)
        .limit(limit)
    )
    found: list[MyGame] = []
    for game in (await session.scalars(_with_details(stmt))).all():
        ranks = [p.user_id for p in game.participants]
        rank = ranks.index(user_id) if user_id in ranks else None
        found.append(
            MyGame(
                game=game,
                hosting=game.host_id == user_id,
                confirmed=rank is not None and waitlist.is_confirmed(rank, game.max_players),
                waitlist_position=None
                if rank is None
                else waitlist.waitlist_position(rank, game.max_players),
            )
        )
    return found

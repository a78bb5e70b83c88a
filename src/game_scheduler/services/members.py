"""Who is in which server, as far as we have seen: logins, the web refresh, Discord's answers.

A host may only sign up members of the game's server, and a member seen gone loses their
upcoming signups there and that server's games in their private feed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.status import GameStatus
from game_scheduler.errors import ValidationError
from game_scheduler.models import Game, Guild, GuildMember, Participant, User
from game_scheduler.services.auth import discord_api
from game_scheduler.services.loading import check_can_manage, load_game
from game_scheduler.services.registry import ensure_user


async def _guild_ids(session: AsyncSession, guild_discord_ids: Iterable[int]) -> dict[int, int]:
    ids = list(guild_discord_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Guild.discord_id, Guild.id).where(Guild.discord_id.in_(ids))
    )
    return {discord_id: guild_id for discord_id, guild_id in rows.all()}


async def record_present(
    session: AsyncSession, user_id: int, guild_discord_ids: Iterable[int], now: datetime
) -> None:
    """The user is in these servers now (a login or refresh said so); no commit."""
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for guild_id in (await _guild_ids(session, guild_discord_ids)).values():
        stmt = insert(GuildMember).values(
            guild_id=guild_id, user_id=user_id, seen_at=now, left_at=None
        )
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["guild_id", "user_id"], set_={"seen_at": now, "left_at": None}
            )
        )


async def record_left(
    session: AsyncSession, user_id: int, guild_discord_id: int, now: datetime
) -> None:
    """The user was seen gone from a server; no commit."""
    guild_id = (await _guild_ids(session, [guild_discord_id])).get(guild_discord_id)
    if guild_id is None:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(GuildMember).values(guild_id=guild_id, user_id=user_id, seen_at=now, left_at=now)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["guild_id", "user_id"], set_={"left_at": now})
    )


async def known_standing(session: AsyncSession, guild_id: int, user_discord_id: int) -> bool | None:
    """True if last seen in the server, False if seen gone, None if never seen."""
    left_at = (
        await session.execute(
            select(GuildMember.left_at)
            .join(User, User.id == GuildMember.user_id)
            .where(GuildMember.guild_id == guild_id, User.discord_id == user_discord_id)
        )
    ).first()
    return None if left_at is None else left_at[0] is None


def departed_guilds(user_id: int) -> Select[Any]:
    """The server ids (ours) a user was seen leaving, as a subquery for feeds."""
    return select(GuildMember.guild_id).where(
        GuildMember.user_id == user_id, GuildMember.left_at.is_not(None)
    )


async def require_member(
    session: AsyncSession, actor: Actor, game_id: int, user_discord_id: int, now: datetime
) -> None:
    """Refuse (422 on ``user_id``) a host signing up someone who is not in the game's server.

    Asks Discord (with the bot's token) only when we have not seen the user there, and with
    no database connection held while it waits.
    """
    game = await load_game(session, game_id, actor)
    check_can_manage(actor, game)
    guild_id, guild_discord_id = game.guild_id, game.guild.discord_id
    known = await known_standing(session, guild_id, user_discord_id)
    await session.commit()
    if not known:  # never seen there, or seen leaving: they may have (re)joined since
        known = await discord_api.bot_sees_member(guild_discord_id, user_discord_id)
        if known:
            user = await ensure_user(session, user_discord_id)
            await session.flush()
            await record_present(session, user.id, [guild_discord_id], now)
            await session.commit()
    if not known:
        raise ValidationError("user_id is not a member of this game's server", "user_id")


async def upcoming_signups(session: AsyncSession, user_id: int, guild_discord_id: int) -> list[int]:
    """Ids of the open games in a server the user is signed up for."""
    rows = await session.execute(
        select(Game.id)
        .join(Participant, Participant.game_id == Game.id)
        .join(Guild, Guild.id == Game.guild_id)
        .where(
            Participant.user_id == user_id,
            Guild.discord_id == guild_discord_id,
            Game.status == GameStatus.SCHEDULED,
        )
    )
    return list(rows.scalars())

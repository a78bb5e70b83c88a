"""Attendance stats: a player's and a server's record over completed games."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain import attendance
from game_scheduler.domain.permissions import Actor, can_see
from game_scheduler.domain.rsvp import Response
from game_scheduler.errors import NotFound
from game_scheduler.models import Attendance, Game, GameStatus, Guild, Participant, User


@dataclass(frozen=True)
class ServerStatsView:
    """A server's stats with the users its top list names."""

    stats: attendance.ServerStats
    users: dict[int, User]


@dataclass(frozen=True)
class PlayerStatsView:
    """A player's stats, over the servers asked about that the viewer shares."""

    discord_id: int
    username: str
    stats: attendance.PlayerStats


def _seats(guild_ids: Sequence[int], user_id: int | None = None) -> Select[int, int, str | None]:
    """(game, user, mark) of every seat held in the servers' completed games."""
    rank = (
        func.row_number()
        .over(partition_by=Participant.game_id, order_by=Participant.position)
        .label("rank")
    )
    ranked = (
        select(Participant.game_id, Participant.user_id, rank)
        .join(Game, Game.id == Participant.game_id)
        .where(
            Game.guild_id.in_(guild_ids),
            Game.status == GameStatus.COMPLETED,
            Participant.response == Response.GOING,  # maybe and can't hold no seat
        )
        .subquery()
    )
    stmt = (
        select(ranked.c.game_id, ranked.c.user_id, Attendance.status)
        .join(Game, Game.id == ranked.c.game_id)
        .outerjoin(
            Attendance,
            (Attendance.game_id == ranked.c.game_id) & (Attendance.user_id == ranked.c.user_id),
        )
        .where(ranked.c.rank <= Game.max_players)
    )
    if user_id is not None:
        stmt = stmt.where(ranked.c.user_id == user_id)
    return stmt


async def _guild_id(db: AsyncSession, actor: Actor, guild_discord_id: int) -> int:
    guild_id = await db.scalar(select(Guild.id).where(Guild.discord_id == guild_discord_id))
    if guild_id is None or not can_see(actor, guild_discord_id):
        raise NotFound(f"server {guild_discord_id} is not known to the bot")
    return guild_id


async def server_stats(db: AsyncSession, actor: Actor, guild_discord_id: int) -> ServerStatsView:
    """Games run and cancelled, average attendance and top players of one server."""
    guild_id = await _guild_id(db, actor, guild_discord_id)
    counts = dict(
        (
            await db.execute(
                select(Game.status, func.count())
                .where(
                    Game.guild_id == guild_id,
                    Game.status.in_([GameStatus.COMPLETED, GameStatus.CANCELLED]),
                )
                .group_by(Game.status)
            )
        ).all()
    )
    seats = [(g, u, m) for g, u, m in await db.execute(_seats([guild_id]))]
    stats = attendance.server_stats(
        counts.get(GameStatus.COMPLETED, 0), counts.get(GameStatus.CANCELLED, 0), seats
    )
    ids = [top.user_id for top in stats.top_players]
    users = {u.id: u for u in await db.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return ServerStatsView(stats, users)


async def player_stats(
    db: AsyncSession, actor: Actor, user_discord_id: int, guild_discord_id: int | None = None
) -> PlayerStatsView:
    """A player's games played and no-shows, in one server or every server the viewer shares."""
    wanted = list(actor.memberships) if guild_discord_id is None else [guild_discord_id]
    if guild_discord_id is not None:
        await _guild_id(db, actor, guild_discord_id)
    guild_ids = list(
        await db.scalars(
            select(Guild.id).where(Guild.discord_id.in_([g for g in wanted if can_see(actor, g)]))
        )
    )
    user = await db.scalar(select(User).where(User.discord_id == user_discord_id))
    if user is None or not guild_ids:
        return PlayerStatsView(user_discord_id, "", attendance.player_stats([]))
    marks = [mark for _, _, mark in await db.execute(_seats(guild_ids, user.id))]
    return PlayerStatsView(user_discord_id, user.username, attendance.player_stats(marks))


@dataclass(frozen=True)
class ServerRecord:
    """A player's stats in one server."""

    guild_discord_id: int
    guild_name: str
    stats: attendance.PlayerStats


async def player_stats_by_server(
    db: AsyncSession, actor: Actor, user_discord_id: int
) -> list[ServerRecord]:
    """A player's stats in each server the viewer shares with the bot where they held a seat."""
    user_id = await db.scalar(select(User.id).where(User.discord_id == user_discord_id))
    guilds = {
        row.id: row
        for row in await db.execute(
            select(Guild.id, Guild.discord_id, Guild.name).where(
                Guild.discord_id.in_(list(actor.memberships))
            )
        )
    }
    if user_id is None or not guilds:
        return []
    seats = _seats(list(guilds), user_id).subquery()
    rows = await db.execute(
        select(Game.guild_id, seats.c.status)
        .select_from(seats)
        .join(Game, Game.id == seats.c.game_id)
    )
    marks: dict[int, list[str | None]] = {}
    for guild_id, mark in rows:
        marks.setdefault(guild_id, []).append(mark)
    records = [
        ServerRecord(guilds[gid].discord_id, guilds[gid].name, attendance.player_stats(marks[gid]))
        for gid in marks
    ]
    return sorted(records, key=lambda r: (r.guild_name.lower(), r.guild_discord_id))

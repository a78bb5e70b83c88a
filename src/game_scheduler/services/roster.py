"""The host's roster: find server members, add, remove and move players; web, API and bot share it.

Adding and removing are the signup rules of ``services/signups.py``; moving reorders the signups
under the game's lock, as joins do, and tells who gained or lost a seat (``domain/notices.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from game_scheduler.domain import notices as notices_for
from game_scheduler.domain import permissions, roster, status, waitlist
from game_scheduler.errors import GameNotOpen, NotJoined, ValidationError
from game_scheduler.messaging.outbox import commit_and_publish
from game_scheduler.models import Game, GameStatus, Guild, GuildMember, Participant, User
from game_scheduler.seats import lineups
from game_scheduler.services import game_events, signups
from game_scheduler.services.loading import check_can_manage, load_game

SEARCH_LIMIT = 25
QUERY_MAX = 100
CHOICES_SCANNED = 200

add_player = signups.add_player
remove_player = signups.remove_player


@dataclass(frozen=True)
class GameChoice:
    """An upcoming game the actor may manage, as a command's autocomplete offers it."""

    game_id: int
    title: str
    scheduled_at: datetime


async def manageable_games(
    session: AsyncSession, actor: permissions.Actor, guild_discord_id: int, text: str
) -> list[GameChoice]:
    """Scheduled games of the server the actor hosts or manages, soonest first, by title or id."""
    if not permissions.can_see(actor, guild_discord_id):
        return []
    rows = (
        await session.execute(
            select(Game.id, Game.title, Game.scheduled_at, User.discord_id, Guild.manager_role_ids)
            .join(Guild, Guild.id == Game.guild_id)
            .join(User, User.id == Game.host_id)
            .where(Guild.discord_id == guild_discord_id, Game.status == GameStatus.SCHEDULED)
            .order_by(Game.scheduled_at, Game.id)
            .limit(CHOICES_SCANNED)
        )
    ).all()
    wanted = text.strip().lower()
    return [
        GameChoice(row.id, row.title, row.scheduled_at)
        for row in rows
        if permissions.can_manage_game(
            actor, guild_discord_id, row.discord_id, row.manager_role_ids
        )
        and (wanted in row.title.lower() or wanted == str(row.id))
    ][:SEARCH_LIMIT]


@dataclass(frozen=True)
class MemberMatch:
    """A server member the host may add: their Discord id and the name the bot saw."""

    discord_id: int
    username: str


async def search_members(
    session: AsyncSession, actor: permissions.Actor, game_id: int, query: str
) -> list[MemberMatch]:
    """Members of the game's server (the bot's mirror) whose name contains ``query``."""
    game = await load_game(session, game_id, actor)
    check_can_manage(actor, game)
    text = query.strip()
    if len(text) > QUERY_MAX:
        raise ValidationError(f"the search is longer than {QUERY_MAX} characters", "q")
    signed_up = {p.user_id for p in game.participants}
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = (
        select(User.id, User.discord_id, User.username)
        .join(GuildMember, GuildMember.user_id == User.id)
        .where(GuildMember.guild_id == game.guild_id, GuildMember.left_at.is_(None))
        .order_by(func.lower(User.username), User.discord_id)
        .limit(SEARCH_LIMIT + len(signed_up))
    )
    if text:
        stmt = stmt.where(func.lower(User.username).like(f"%{escaped}%", escape="\\"))
    rows = (await session.execute(stmt)).all()
    await session.commit()
    found = [MemberMatch(r.discord_id, r.username) for r in rows if r.id not in signed_up]
    return found[:SEARCH_LIMIT]


def _renumber(order: list[Participant]) -> list[tuple[Participant, int]]:
    """New positions keeping the old ones' values, so the order changes and nothing else."""
    positions = sorted(p.position for p in order)
    return [(p, pos) for p, pos in zip(order, positions, strict=True) if p.position != pos]


async def move_player(
    session: AsyncSession,
    actor: permissions.Actor,
    game_id: int,
    player_discord_id: int,
    to: str,
) -> signups.Standing:
    """Give a waiting player a seat, or send a seated one to the waitlist; both are told."""
    game = await load_game(session, game_id, actor, lock=True)
    check_can_manage(actor, game)
    if not status.is_open_for_signup(game.status):
        raise GameNotOpen("players can only be moved before the game starts")
    before = lineups.going(game)  # maybe and can't answers hold no place in the line
    who = next((p for p in before if p.user.discord_id == player_discord_id), None)
    if who is None:
        raise NotJoined("this player has not answered going for this game")
    after = roster.moved(before, game.max_players, who, to)
    changes = _renumber(after)
    # Two steps, so the unique (game, position) never sees two players on one place.
    for participant, _ in changes:
        participant.position = -participant.position
    await session.flush()
    for participant, position in changes:
        participant.position = position
    await session.flush()
    set_committed_value(game, "participants", lineups.ordered(game))
    notices = notices_for.after_move(before, after, game.max_players)
    game_events.stage_notices(session, game, notices)
    await commit_and_publish(session)
    rank = after.index(who)
    return signups.Standing(
        game,
        waitlist.is_confirmed(rank, game.max_players),
        waitlist.waitlist_position(rank, game.max_players),
    )

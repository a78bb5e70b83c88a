"""Insert many games, players and reminders quickly with a sync session (scheduler tests, bench)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from game_scheduler.domain.reminders import ReminderStatus, due_at
from game_scheduler.domain.status import GameStatus
from game_scheduler.models import Channel, Game, Guild, Participant, Reminder, User
from tests.support.factories import CHANNEL_ID, GUILD_ID

_discord_ids = count(600_000_000_000_000_001)


@dataclass
class SeededGame:
    """What a test needs to know about one seeded game (Discord ids of the people in it)."""

    game_id: int
    scheduled_at: datetime
    host: int
    confirmed: list[int]
    waitlisted: list[int]
    reminder_ids: dict[int, int] = field(default_factory=dict)

    def recipients(self) -> set[int]:
        """Who a reminder of this game must reach: the host and the confirmed players."""
        return {self.host, *self.confirmed}


def ensure_channel(session: Session) -> tuple[int, int]:
    """The test server and channel rows (created once), as (guild id, channel id)."""
    guild_id = session.scalar(select(Guild.id).where(Guild.discord_id == GUILD_ID))
    if guild_id is None:
        guild_id = session.scalars(
            insert(Guild).returning(Guild.id), [{"discord_id": GUILD_ID, "name": "Test Server"}]
        ).one()
    channel_id = session.scalar(select(Channel.id).where(Channel.discord_id == CHANNEL_ID))
    if channel_id is None:
        channel_id = session.scalars(
            insert(Channel).returning(Channel.id),
            [{"discord_id": CHANNEL_ID, "guild_id": guild_id, "name": "games"}],
        ).one()
    return guild_id, channel_id


def _insert_users(session: Session, discord_ids: Sequence[int]) -> dict[int, int]:
    rows = session.execute(
        insert(User).returning(User.discord_id, User.id, sort_by_parameter_order=True),
        [{"discord_id": d, "username": f"user{d % 10_000}"} for d in discord_ids],
    ).all()
    return {discord_id: user_id for discord_id, user_id in rows}


def seed_games(
    session: Session,
    starts: Sequence[datetime],
    *,
    players: int = 3,
    waitlisted: int = 1,
    offsets: Sequence[int] = (15,),
    host_plays: bool = False,
    status: GameStatus = GameStatus.SCHEDULED,
    duration_minutes: int = 120,
) -> list[SeededGame]:
    """One game per start time, each with its own people and a pending reminder per offset.

    ``host_plays`` makes the host the first confirmed player (so a reminder has ``players``
    recipients instead of ``players + 1``). Commits.
    """
    guild_id, channel_id = ensure_channel(session)
    seeded = []
    for start in starts:
        people = [next(_discord_ids) for _ in range(players + waitlisted)]
        host = people[0] if host_plays and players else next(_discord_ids)
        seeded.append(SeededGame(0, start, host, people[:players], people[players:]))
    everyone = list(dict.fromkeys(d for g in seeded for d in [g.host, *g.confirmed, *g.waitlisted]))
    user_ids = _insert_users(session, everyone)
    game_ids = session.scalars(
        insert(Game).returning(Game.id, sort_by_parameter_order=True),
        [
            {
                "guild_id": guild_id,
                "channel_id": channel_id,
                "host_id": user_ids[g.host],
                "title": f"Game {i}",
                "scheduled_at": g.scheduled_at,
                "duration_minutes": duration_minutes,
                "max_players": players or 1,
                "status": status,
            }
            for i, g in enumerate(seeded)
        ],
    ).all()
    participants = []
    reminders = []
    for game, game_id in zip(seeded, game_ids, strict=True):
        game.game_id = game_id
        for position, discord_id in enumerate([*game.confirmed, *game.waitlisted], start=1):
            participants.append(
                {"game_id": game_id, "user_id": user_ids[discord_id], "position": position}
            )
        for offset in offsets:
            reminders.append(
                {
                    "game_id": game_id,
                    "offset_minutes": offset,
                    "due_at": due_at(game.scheduled_at, offset),
                    "status": ReminderStatus.PENDING,
                    "attempts": 0,
                }
            )
    if participants:
        session.execute(insert(Participant), participants)
    rows = session.execute(
        insert(Reminder).returning(
            Reminder.game_id, Reminder.offset_minutes, Reminder.id, sort_by_parameter_order=True
        ),
        reminders,
    ).all()
    by_game = {g.game_id: g for g in seeded}
    for game_id, offset, reminder_id in rows:
        by_game[game_id].reminder_ids[offset] = reminder_id
    session.commit()
    return seeded

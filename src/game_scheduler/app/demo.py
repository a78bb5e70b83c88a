"""Demo games for ``game-scheduler up --demo``: something to look at, and a reminder due soon."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.models import Game, Guild, utcnow
from game_scheduler.services import games, signups
from game_scheduler.services.auth.demo import (
    DEMO_CHANNEL_ID,
    DEMO_GUILD_ID,
    DEMO_MEMBER_ID,
    DEMO_MEMBER_NAME,
    DEMO_USER_ID,
    DEMO_USER_NAME,
    seed_demo_server,
)

# Ada is also the plain member one can sign in as, to see a game from a player's side.
DEMO_PLAYERS = [(DEMO_MEMBER_ID, DEMO_MEMBER_NAME)] + [
    (DEMO_MEMBER_ID + i, name) for i, name in enumerate(("Bo", "Cy"), start=1)
]


def _demo_actor(discord_id: int, name: str) -> Actor:
    return Actor.member_of(
        discord_id, DEMO_GUILD_ID, manage_guild=discord_id == DEMO_USER_ID, username=name
    )


async def _demo_games_exist() -> bool:
    async with get_db_session() as session:
        count = await session.scalar(
            select(func.count(Game.id)).join(Guild).where(Guild.discord_id == DEMO_GUILD_ID)
        )
    return bool(count)


async def seed_demo_games() -> bool:
    """Three games: one whose 2-minute reminder comes due a minute from now, two later on.

    Only into an empty demo server, so running ``up --demo`` again adds nothing; returns
    whether it seeded.
    """
    async with get_db_session() as session:
        await seed_demo_server(session)
    if await _demo_games_exist():
        return False
    host = _demo_actor(DEMO_USER_ID, DEMO_USER_NAME)
    now = utcnow()
    drafts = [
        games.GameDraft(
            channel_discord_id=DEMO_CHANNEL_ID,
            title="Quick demo: reminder in one minute",
            description="Watch the bot's console: the reminder DM shows up a minute from now.",
            scheduled_at=now + timedelta(minutes=3),
            duration_minutes=30,
            max_players=2,
            reminder_offsets=[2],
        ),
        games.GameDraft(
            channel_discord_id=DEMO_CHANNEL_ID,
            title="Board game night: Catan",
            location="Voice channel #tabletop",
            scheduled_at=now + timedelta(days=1),
            max_players=4,
        ),
        games.GameDraft(
            channel_discord_id=DEMO_CHANNEL_ID,
            title="Raid: Vault of Glass",
            signup_instructions="Bring your best build.",
            scheduled_at=now + timedelta(days=7),
            max_players=6,
            reminder_offsets=[1440, 60],
        ),
    ]
    for draft in drafts:
        async with get_db_session() as session:
            game = await games.create_game(session, host, draft)
        for discord_id, name in DEMO_PLAYERS:
            async with get_db_session() as session:
                await signups.join_game(session, _demo_actor(discord_id, name), game.id)
    return True

"""Demo games for ``game-scheduler up --demo``: something to look at, and a reminder due soon."""

from __future__ import annotations

from datetime import timedelta

from game_scheduler.database import get_db_session
from game_scheduler.domain.permissions import Actor
from game_scheduler.models import utcnow
from game_scheduler.services import games, signups
from game_scheduler.services.auth.demo import (
    DEMO_CHANNEL_ID,
    DEMO_GUILD_ID,
    DEMO_USER_ID,
    DEMO_USER_NAME,
    seed_demo_server,
)

DEMO_PLAYERS = [(100_000_000_000_000_301 + i, name) for i, name in enumerate(("Ada", "Bo", "Cy"))]


def _demo_actor(discord_id: int, name: str) -> Actor:
    return Actor.member_of(
        discord_id, DEMO_GUILD_ID, manage_guild=discord_id == DEMO_USER_ID, username=name
    )


async def seed_demo_games() -> None:
    """Three games: one whose 2-minute reminder comes due a minute from now, two later on."""
    async with get_db_session() as session:
        await seed_demo_server(session)
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

"""``up --demo`` seeding: games once, roles to try, a second user who manages nothing."""

from sqlalchemy import func, select

from game_scheduler.app.demo import seed_demo_games
from game_scheduler.database import get_db_session
from game_scheduler.models import Game, Role, User, utcnow
from game_scheduler.services.auth.demo import (
    DEMO_GUILD_ID,
    DEMO_MEMBER_ID,
    demo_identity,
    open_demo_session,
)
from game_scheduler.services.auth.membership import cached_access


async def _count(model: type) -> int:
    async with get_db_session() as db:
        return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def test_seeding_twice_adds_no_more_games(db_url):
    assert await seed_demo_games() is True
    seeded = await _count(Game)
    assert seeded == 3
    assert await seed_demo_games() is False
    assert await _count(Game) == seeded


async def test_the_demo_server_has_two_roles(db_url):
    await seed_demo_games()
    async with get_db_session() as db:
        names = set((await db.execute(select(Role.name))).scalars())
    assert len(names) == 2


async def test_the_plain_member_does_not_manage_the_demo_server(db_url):
    async with get_db_session() as db:
        created = await open_demo_session(db, utcnow(), demo_identity("member"))
        [access] = cached_access(created.web_session)
        user_id = created.web_session.user_id
    async with get_db_session() as db:
        user = await db.get(User, user_id)
    assert user is not None
    assert user.discord_id == DEMO_MEMBER_ID
    assert access.discord_id == DEMO_GUILD_ID
    assert access.manage is False

"""Record users as seen in a server, as a login or Discord would have told us."""

from __future__ import annotations

from game_scheduler.database import get_db_session
from game_scheduler.models import utcnow
from game_scheduler.services import members
from game_scheduler.services.registry import ensure_user
from tests.support.factories import GUILD_ID


async def seed_member(*discord_ids: int, guild_id: int = GUILD_ID) -> None:
    """Mark these users as members of the server (the server must exist)."""
    async with get_db_session() as session:
        for discord_id in discord_ids:
            user = await ensure_user(session, discord_id)
            await session.flush()
            await members.record_present(session, user.id, [guild_id], utcnow())
        await session.commit()

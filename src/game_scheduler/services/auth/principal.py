"""From a session cookie to who acts: shared by the JSON API and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.permissions import Actor
from game_scheduler.models import WebSession
from game_scheduler.services.auth import membership, sessions


@dataclass(frozen=True)
class Principal:
    """The signed-in browser session and who it acts as."""

    web_session: WebSession
    actor: Actor


async def resolve_principal(
    db: AsyncSession, cookie_value: str | None, now: datetime
) -> Principal | None:
    """The session behind the cookie, with memberships re-read from Discord when stale.

    None when there is no live session; ``SessionEnded`` when Discord revoked it.
    """
    web_session = await sessions.load_session(db, cookie_value, now) if cookie_value else None
    if web_session is None:
        return None
    return Principal(web_session, await membership.resolve_actor(db, web_session, now))

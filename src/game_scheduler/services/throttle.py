"""Rate limits counted in the database, so every api replica and the bot share them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.config import get_settings
from game_scheduler.domain.limits import retry_after_seconds
from game_scheduler.errors import GameSchedulerError
from game_scheduler.models import RateEvent

MINUTE = timedelta(minutes=1)
KEEP = timedelta(hours=1)


class Throttled(GameSchedulerError):
    """Too many of one action too fast; nothing was changed, try again after ``retry_after``."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    """At most ``count`` actions per ``window``; a count of 0 turns the limit off."""

    count: int
    window: timedelta = MINUTE


async def take(session: AsyncSession, key: str, limit: Limit, now: datetime, what: str) -> None:
    """Record one action under ``key`` (in the caller's transaction) or raise Throttled."""
    if limit.count <= 0:
        return
    recent = (
        (
            await session.execute(
                select(RateEvent.at)
                .where(RateEvent.key == key, RateEvent.at > now - limit.window)
                .order_by(RateEvent.at.desc())
                .limit(limit.count)
            )
        )
        .scalars()
        .all()
    )
    if len(recent) >= limit.count:
        wait = retry_after_seconds(recent[-1], limit.window, now)
        raise Throttled(f"slow down: too many {what}; try again in {wait} s", wait)
    await session.execute(delete(RateEvent).where(RateEvent.at < now - KEEP))
    session.add(RateEvent(key=key, at=now))


def signup_limit() -> Limit:
    """A user's signup changes on one game (SIGNUP_CHANGES_PER_MINUTE)."""
    return Limit(get_settings().signup_changes_per_minute)


def login_limit() -> Limit:
    """Login attempts from one address (LOGIN_ATTEMPTS_PER_MINUTE)."""
    return Limit(get_settings().login_attempts_per_minute)


async def take_signup_change(
    session: AsyncSession, game_id: int, user_discord_id: int, now: datetime
) -> None:
    """Count one signup change of a user on a game (call with the game's row locked)."""
    key = f"signup:{game_id}:{user_discord_id}"
    await take(session, key, signup_limit(), now, "signup changes on this game")


async def take_login_attempt(session: AsyncSession, address: str, now: datetime) -> None:
    """Count one login attempt from an address, committed at once."""
    await take(session, f"login:{address[:150]}", login_limit(), now, "login attempts")
    await session.commit()

"""The signed-in user."""

from __future__ import annotations

from fastapi import APIRouter

from game_scheduler.api.deps import CurrentPrincipal
from game_scheduler.api.errors import ERROR_RESPONSES
from game_scheduler.api.schemas.accounts import MeOut
from game_scheduler.api.schemas.guilds import GuildSummaryOut
from game_scheduler.services import calendar
from game_scheduler.services.auth.membership import cached_access

router = APIRouter(prefix="/api/v1", tags=["me"])


@router.get("/me", responses=ERROR_RESPONSES)
async def me(principal: CurrentPrincipal) -> MeOut:
    """Who you are, your servers, your calendar feed URL, and the token your writes send."""
    user = principal.web_session.user
    return MeOut(
        id=user.discord_id,
        username=user.username,
        guilds=[GuildSummaryOut.of(a) for a in cached_access(principal.web_session)],
        calendar_feed_url=calendar.feed_url(user.calendar_token),
        csrf_token=principal.web_session.csrf_token,
    )

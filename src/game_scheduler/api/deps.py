"""Request dependencies: the database session, the signed-in session and the acting user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import APIKeyCookie, APIKeyHeader
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.database import db_session_dependency
from game_scheduler.domain.permissions import Actor
from game_scheduler.models import utcnow
from game_scheduler.services.auth.cookies import COOKIE_NAME
from game_scheduler.services.auth.principal import Principal, resolve_principal
from game_scheduler.services.auth.sessions import check_csrf

DbSession = Annotated[AsyncSession, Depends(db_session_dependency)]

session_cookie = APIKeyCookie(
    name=COOKIE_NAME,
    auto_error=False,
    description="The session cookie set by /auth/callback after signing in with Discord.",
)
CSRF_HEADER = "X-CSRF-Token"
CSRF_REFUSED = (
    f"this request needs the {CSRF_HEADER} header set to the csrf_token of GET /api/v1/me;"
    " nothing changed"
)
csrf_header = APIKeyHeader(
    name=CSRF_HEADER,
    scheme_name="CsrfToken",
    auto_error=False,
    description="Required with the session cookie on every POST, PATCH, PUT and DELETE:"
    " the csrf_token GET /api/v1/me returns for this session.",
)


async def current_principal(
    db: DbSession, cookie: Annotated[str | None, Depends(session_cookie)]
) -> Principal:
    """The session behind the cookie, with memberships re-read from Discord when stale."""
    principal = await resolve_principal(db, cookie, utcnow())
    if principal is None:
        raise HTTPException(status_code=401, detail="sign in with Discord first")
    return principal


async def current_actor(principal: Annotated[Principal, Depends(current_principal)]) -> Actor:
    """Who the request acts as, for the services."""
    return principal.actor


async def writing_actor(
    principal: Annotated[Principal, Depends(current_principal)],
    token: Annotated[str | None, Depends(csrf_header)],
) -> Actor:
    """The actor of a state-changing request, once it proved it comes from our own client.

    SameSite=Lax still sends the cookie from other ports and subdomains of the same site.
    """
    if not check_csrf(principal.web_session, token):
        raise HTTPException(status_code=403, detail=CSRF_REFUSED)
    return principal.actor


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
WritingActor = Annotated[Actor, Depends(writing_actor)]

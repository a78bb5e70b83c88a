"""The few Discord REST calls a login needs, made with the user's OAuth2 token."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from game_scheduler.config import get_settings
from game_scheduler.errors import GameSchedulerError

log = logging.getLogger(__name__)

SCOPES = "identify guilds guilds.members.read"
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
TIMEOUT = httpx.Timeout(10.0)


class DiscordError(GameSchedulerError):
    """Discord did not give what a login needs."""


class DiscordUnavailable(DiscordError):
    """Discord could not be reached or failed; trying again later may work."""


class DiscordRejected(DiscordError):
    """Discord refused the code or token (expired, revoked, or not ours)."""


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint returns, with the expiry made absolute."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime


@dataclass(frozen=True)
class GuildSummary:
    """One entry of the user's server list."""

    discord_id: int
    name: str
    manage: bool


def _base() -> str:
    return get_settings().discord_api_base.rstrip("/")


def redirect_uri() -> str:
    """Where Discord sends the browser back to; must match the application's setting."""
    return get_settings().public_url.rstrip("/") + "/auth/callback"


def _raise_for(response: httpx.Response, what: str) -> None:
    if response.status_code in (400, 401, 403):
        raise DiscordRejected(f"Discord refused {what} (HTTP {response.status_code})")
    if response.status_code >= 300:
        raise DiscordUnavailable(f"Discord failed {what} (HTTP {response.status_code})")


async def _request(method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            response = await client.request(method, _base() + path, **kwargs)
    except httpx.HTTPError as error:
        raise DiscordUnavailable(f"Discord could not be reached for {what}") from error
    return response


async def _token_request(form: dict[str, str], what: str, now: datetime) -> TokenSet:
    settings = get_settings()
    if not settings.discord_client_id or settings.discord_client_secret is None:
        raise DiscordError("login with Discord is not configured on this server")
    response = await _request(
        "POST",
        "/oauth2/token",
        what,
        data=form,
        auth=(settings.discord_client_id, settings.discord_client_secret.get_secret_value()),
    )
    _raise_for(response, what)
    try:
        body = response.json()
        return TokenSet(
            access_token=str(body["access_token"]),
            refresh_token=body.get("refresh_token"),
            expires_at=now + timedelta(seconds=int(body.get("expires_in", 3600))),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise DiscordUnavailable(f"Discord answered {what} with an unexpected body") from error


async def exchange_code(code: str, code_verifier: str, now: datetime) -> TokenSet:
    """Trade an authorization code (and its PKCE verifier) for tokens."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri(),
        "code_verifier": code_verifier,
    }
    return await _token_request(form, "the login code", now)


async def refresh_tokens(refresh_token: str, now: datetime) -> TokenSet:
    """Get a fresh access token before the old one expires."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return await _token_request(form, "the token refresh", now)


async def _get_json(path: str, access_token: str, what: str) -> Any:
    headers = {"Authorization": f"Bearer {access_token}"}
    response = await _request("GET", path, what, headers=headers)
    _raise_for(response, what)
    try:
        return response.json()
    except ValueError as error:
        raise DiscordUnavailable(f"Discord answered {what} with an unexpected body") from error


async def fetch_user(access_token: str) -> tuple[int, str]:
    """The signed-in user's id and display name."""
    body = await _get_json("/users/@me", access_token, "the user")
    try:
        name = body.get("global_name") or body.get("username") or ""
        return int(body["id"]), str(name)[:100]
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise DiscordUnavailable("Discord answered with an unexpected user") from error


def _manages(entry: dict[str, Any]) -> bool:
    permissions = int(entry.get("permissions") or 0)
    return bool(entry.get("owner")) or bool(permissions & (ADMINISTRATOR | MANAGE_GUILD))


async def fetch_guilds(access_token: str) -> list[GuildSummary]:
    """Every server the user is in, with whether they may manage it."""
    body = await _get_json("/users/@me/guilds", access_token, "the server list")
    try:
        return [
            GuildSummary(int(entry["id"]), str(entry.get("name", ""))[:100], _manages(entry))
            for entry in body
        ]
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise DiscordUnavailable("Discord answered with an unexpected server list") from error


async def fetch_member_roles(access_token: str, guild_discord_id: int) -> list[int] | None:
    """The user's role ids in one server; None when they are no longer a member."""
    what = "the member's roles"
    headers = {"Authorization": f"Bearer {access_token}"}
    response = await _request(
        "GET", f"/users/@me/guilds/{guild_discord_id}/member", what, headers=headers
    )
    if response.status_code == 404:
        return None
    _raise_for(response, what)
    try:
        return [int(role) for role in response.json().get("roles", [])]
    except (AttributeError, TypeError, ValueError) as error:
        raise DiscordUnavailable("Discord answered with unexpected roles") from error


async def bot_sees_member(guild_discord_id: int, user_discord_id: int) -> bool:
    """Whether Discord (asked with the bot's token) lists the user in the server.

    Without a bot token nobody can be checked, so nobody unknown is taken for a member.
    """
    token = get_settings().discord_token
    if token is None:
        return False
    what = "the server member"
    headers = {"Authorization": f"Bot {token.get_secret_value()}"}
    path = f"/guilds/{guild_discord_id}/members/{user_discord_id}"
    response = await _request("GET", path, what, headers=headers)
    if response.status_code == 404:
        return False
    _raise_for(response, what)
    return True

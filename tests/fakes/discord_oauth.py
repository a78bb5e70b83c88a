"""A fake Discord for the login flow: the authorize page and the REST calls a login makes.

Served by aiohttp on 127.0.0.1 (a random port) inside the test's event loop. It checks what the
real one checks: client credentials, redirect URI, single-use codes, the PKCE verifier, and
Bearer tokens it issued.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from aiohttp import BasicAuth, web

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"
BOT_TOKEN = "fake-bot-token"


@dataclass
class FakeMember:
    """A user's membership in one server."""

    guild_id: int
    name: str
    roles: list[int] = field(default_factory=list)
    owner: bool = False
    permissions: int = 0


@dataclass
class FakeUser:
    """A Discord account that can sign in."""

    id: int
    username: str
    guilds: dict[int, FakeMember] = field(default_factory=dict)


@dataclass
class _Code:
    user_id: int
    redirect_uri: str
    challenge: str


class FakeDiscordOAuth:
    """The fake server; tests add users and memberships, then drive the browser side."""

    def __init__(self) -> None:
        self.users: dict[int, FakeUser] = {}
        self.codes: dict[str, _Code] = {}
        self.access_tokens: dict[str, int] = {}
        self.refresh_tokens: dict[str, int] = {}
        self.calls: Counter[str] = Counter()
        self.expires_in = 604800
        self.failing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    def add_user(self, user_id: int, username: str) -> FakeUser:
        """Register an account."""
        self.users[user_id] = FakeUser(user_id, username)
        return self.users[user_id]

    def join(
        self,
        user_id: int,
        guild_id: int,
        name: str = "Test Server",
        roles: list[int] | None = None,
        owner: bool = False,
        permissions: int = 0,
    ) -> None:
        """Make the user a member of a server."""
        self.users[user_id].guilds[guild_id] = FakeMember(
            guild_id, name, list(roles or []), owner, permissions
        )

    def revoke(self, user_id: int) -> None:
        """Revoke every token of the user (as when they deauthorize the app)."""
        for store in (self.access_tokens, self.refresh_tokens):
            for token in [t for t, u in store.items() if u == user_id]:
                del store[token]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.origin}/api/v10"

    @property
    def authorize_url(self) -> str:
        return f"{self.origin}/oauth2/authorize"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/oauth2/authorize", self._authorize)
        app.router.add_post("/api/v10/oauth2/token", self._token)
        app.router.add_get("/api/v10/users/@me", self._me)
        app.router.add_get("/api/v10/users/@me/guilds", self._guilds)
        app.router.add_get("/api/v10/users/@me/guilds/{guild_id}/member", self._member)
        app.router.add_get("/api/v10/guilds/{guild_id}/members/{user_id}", self._guild_member)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _authorize(self, request: web.Request) -> web.Response:
        """Stands in for the consent page: ``login_as`` picks the user who clicks Authorize."""
        q = request.query
        if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
            return web.Response(status=400, text="invalid client or response type")
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return web.Response(status=400, text="PKCE required")
        redirect_uri = q["redirect_uri"]
        if "deny" in q:
            params = {"error": "access_denied", "state": q.get("state", "")}
            raise web.HTTPFound(f"{redirect_uri}?{urlencode(params)}")
        user_id = int(q["login_as"])
        code = secrets.token_urlsafe(16)
        self.codes[code] = _Code(user_id, redirect_uri, q["code_challenge"])
        raise web.HTTPFound(f"{redirect_uri}?{urlencode({'code': code, 'state': q['state']})}")

    def _issue(self, user_id: int) -> web.Response:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access_tokens[access] = user_id
        self.refresh_tokens[refresh] = user_id
        return web.json_response(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": self.expires_in,
                "refresh_token": refresh,
                "scope": "identify guilds guilds.members.read",
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        self.calls["token"] += 1
        try:
            auth = BasicAuth.decode(request.headers.get("Authorization", ""))
        except ValueError:
            return web.json_response({"error": "invalid_client"}, status=401)
        if (auth.login, auth.password) != (CLIENT_ID, CLIENT_SECRET):
            return web.json_response({"error": "invalid_client"}, status=401)
        form = await request.post()
        invalid = web.json_response({"error": "invalid_grant"}, status=400)
        if form.get("grant_type") == "refresh_token":
            user_id = self.refresh_tokens.pop(str(form.get("refresh_token")), None)
            return invalid if user_id is None else self._issue(user_id)
        if form.get("grant_type") != "authorization_code":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        pending = self.codes.pop(str(form.get("code")), None)
        if pending is None or form.get("redirect_uri") != pending.redirect_uri:
            return invalid
        digest = hashlib.sha256(str(form.get("code_verifier", "")).encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != pending.challenge:
            return invalid
        return self._issue(pending.user_id)

    def _user(self, request: web.Request) -> FakeUser:
        header = request.headers.get("Authorization", "")
        user_id = self.access_tokens.get(header.removeprefix("Bearer "))
        if not header.startswith("Bearer ") or user_id is None:
            raise web.HTTPUnauthorized(
                text='{"message": "401: Unauthorized", "code": 0}', content_type="application/json"
            )
        if self.failing:
            raise web.HTTPBadGateway(text="upstream trouble")
        return self.users[user_id]

    async def _me(self, request: web.Request) -> web.Response:
        self.calls["me"] += 1
        user = self._user(request)
        return web.json_response(
            {"id": str(user.id), "username": user.username, "global_name": None, "avatar": None}
        )

    async def _guilds(self, request: web.Request) -> web.Response:
        self.calls["guilds"] += 1
        user = self._user(request)
        return web.json_response(
            [
                {
                    "id": str(m.guild_id),
                    "name": m.name,
                    "icon": None,
                    "owner": m.owner,
                    "permissions": str(m.permissions),
                    "features": [],
                }
                for m in user.guilds.values()
            ]
        )

    async def _member(self, request: web.Request) -> web.Response:
        self.calls["member"] += 1
        user = self._user(request)
        membership = user.guilds.get(int(request.match_info["guild_id"]))
        if membership is None:
            return web.json_response({"message": "Unknown Guild", "code": 10004}, status=404)
        return web.json_response(
            {
                "user": {"id": str(user.id), "username": user.username},
                "roles": [str(r) for r in membership.roles],
                "nick": None,
                "joined_at": "2024-01-01T00:00:00+00:00",
            }
        )

    async def _guild_member(self, request: web.Request) -> web.Response:
        """What the bot's token reads: any member of a server, by id."""
        self.calls["guild_member"] += 1
        if request.headers.get("Authorization") != f"Bot {BOT_TOKEN}":
            return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        user = self.users.get(int(request.match_info["user_id"]))
        if user is None or int(request.match_info["guild_id"]) not in user.guilds:
            return web.json_response({"message": "Unknown Member", "code": 10007}, status=404)
        return web.json_response(
            {"user": {"id": str(user.id), "username": user.username}, "roles": [], "nick": None}
        )

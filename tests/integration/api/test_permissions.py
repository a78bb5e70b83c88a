"""The permission matrix: member or not, host role or not, own or other game, manager kind.

Every cell checks every action against an oracle written from the rules in the issue.
"""

import itertools
from datetime import timedelta

import pytest

from game_scheduler.domain.permissions import Actor, Membership
from game_scheduler.models import utcnow
from tests.support.api import client_for, open_session
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, create_game, member, seed_channel

ACTOR_ID = 500_000_000_000_000_001
HOST_ROLE = 11
MANAGER_ROLE = 22
OTHER_GUILD = 900_000_000_000_000_555

CELLS = list(
    itertools.product(
        ("member", "non-member"),
        ("host-role", "no-role"),
        ("own", "other"),
        ("no-manager", "bot-manager", "manage-server"),
    )
)


def _actor(membership: str, role: str, manager: str) -> Actor:
    roles = {HOST_ROLE} if role == "host-role" else set()
    if manager == "bot-manager":
        roles.add(MANAGER_ROLE)
    guild = GUILD_ID if membership == "member" else OTHER_GUILD
    standing = Membership(guild, frozenset(roles), manage_guild=manager == "manage-server")
    return Actor(ACTOR_ID, "actor", {guild: standing})


def _expected(membership: str, role: str, game: str, manager: str) -> dict[str, int]:
    if membership == "non-member":
        return dict.fromkeys(("see", "ics", "join", "create", "edit", "cancel", "configure"), 404)
    manages = game == "own" or manager in ("bot-manager", "manage-server")
    return {
        "see": 200,
        "ics": 200,
        "join": 200,
        "create": 201 if role == "host-role" or manager == "manage-server" else 403,
        "edit": 200 if manages else 403,
        "cancel": 200 if manages else 403,
        "configure": 200 if manager == "manage-server" else 403,
    }


@pytest.mark.parametrize(("membership", "role", "game", "manager"), CELLS)
async def test_permission_cell(app, pg_db_url, membership, role, game, manager):
    await seed_channel(host_role_ids=[HOST_ROLE], manager_role_ids=[MANAGER_ROLE])
    host = member(ACTOR_ID if game == "own" else HOST_ID, manage=True)
    target = await create_game(host)
    starts = (utcnow() + timedelta(days=1)).isoformat()
    cookie = await open_session(_actor(membership, role, manager))
    async with client_for(app, cookie) as client:
        seen = {
            "see": await client.get(f"/api/v1/games/{target.id}"),
            "ics": await client.get(f"/api/v1/games/{target.id}.ics"),
            "join": await client.post(f"/api/v1/games/{target.id}/join"),
            "create": await client.post(
                "/api/v1/games",
                json={"channel_id": str(CHANNEL_ID), "title": "Mine", "scheduled_at": starts},
            ),
            "edit": await client.patch(f"/api/v1/games/{target.id}", json={"title": "Renamed"}),
            "cancel": await client.post(f"/api/v1/games/{target.id}/cancel"),
            "configure": await client.patch(
                f"/api/v1/guilds/{GUILD_ID}/settings", json={"default_max_players": 6}
            ),
        }
    got = {action: response.status_code for action, response in seen.items()}
    assert got == _expected(membership, role, game, manager)
    if membership == "member":
        assert seen["see"].json()["can_manage"] == (got["edit"] == 200)
        if got["edit"] == 200:
            assert seen["edit"].json()["title"] == "Renamed"
        if got["cancel"] == 200:
            assert seen["cancel"].json()["status"] == "CANCELLED"

import pytest

from game_scheduler.domain.permissions import (
    Actor,
    can_configure,
    can_host,
    can_manage_game,
    can_see,
)

G, OTHER_G = 1, 2
HOST_ROLE, MANAGER_ROLE, OTHER_ROLE = 10, 20, 30


def actor(roles=(), manage=False, uid=100):
    return Actor.member_of(uid, G, roles, manage)


def test_members_see_their_server_only():
    assert can_see(actor(), G)
    assert not can_see(actor(), OTHER_G)


@pytest.mark.parametrize(
    ("roles", "manage", "guild_roles", "channel_roles", "allowed"),
    [
        ((), False, [], None, True),
        ((), False, [HOST_ROLE], None, False),
        ((HOST_ROLE,), False, [HOST_ROLE], None, True),
        ((OTHER_ROLE,), False, [HOST_ROLE], None, False),
        ((HOST_ROLE,), False, [HOST_ROLE], [OTHER_ROLE], False),
        ((OTHER_ROLE,), False, [HOST_ROLE], [OTHER_ROLE], True),
        ((), True, [HOST_ROLE], [OTHER_ROLE], True),
        ((), False, [HOST_ROLE], [], True),
    ],
)
def test_host_roles(roles, manage, guild_roles, channel_roles, allowed):
    assert can_host(actor(roles, manage), G, guild_roles, channel_roles) is allowed


def test_non_member_never_hosts():
    assert not can_host(actor(manage=True), OTHER_G, [], None)


@pytest.mark.parametrize(
    ("uid", "roles", "manage", "allowed"),
    [
        (100, (), False, True),
        (101, (), False, False),
        (101, (MANAGER_ROLE,), False, True),
        (101, (), True, True),
        (101, (OTHER_ROLE,), False, False),
    ],
)
def test_manage_game(uid, roles, manage, allowed):
    assert can_manage_game(actor(roles, manage, uid), G, 100, [MANAGER_ROLE]) is allowed


def test_configure_needs_manage_server():
    assert can_configure(actor(manage=True), G)
    assert not can_configure(actor(roles=(MANAGER_ROLE,)), G)
    assert not can_configure(actor(manage=True), OTHER_G)

"""Who may see, host, manage and configure: decided from facts Discord gave, never from input."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Membership:
    """A user's standing in one server: their roles and whether they may manage it."""

    guild_discord_id: int
    role_ids: frozenset[int] = frozenset()
    manage_guild: bool = False


@dataclass(frozen=True)
class Actor:
    """Who is acting, with the servers they belong to (as Discord reports them)."""

    discord_id: int
    username: str = ""
    memberships: Mapping[int, Membership] = field(default_factory=dict)

    def membership(self, guild_discord_id: int) -> Membership | None:
        """Their standing in that server, or None when they are not a member."""
        return self.memberships.get(guild_discord_id)

    @classmethod
    def member_of(
        cls,
        discord_id: int,
        guild_discord_id: int,
        role_ids: Iterable[int] = (),
        manage_guild: bool = False,
        username: str = "",
    ) -> Actor:
        """An actor known to belong to one server (what a Discord interaction tells)."""
        membership = Membership(guild_discord_id, frozenset(role_ids), manage_guild)
        return cls(discord_id, username, {guild_discord_id: membership})


def can_see(actor: Actor, guild_discord_id: int) -> bool:
    """Members see a server's games; everyone else is told they do not exist."""
    return actor.membership(guild_discord_id) is not None


def can_host(
    actor: Actor,
    guild_discord_id: int,
    guild_host_roles: Iterable[int],
    channel_host_roles: Iterable[int] | None,
) -> bool:
    """Host roles set on the channel win over the server's; with none set anywhere, any member."""
    membership = actor.membership(guild_discord_id)
    if membership is None:
        return False
    if membership.manage_guild:
        return True
    required = set(channel_host_roles) if channel_host_roles is not None else set(guild_host_roles)
    return not required or bool(required & membership.role_ids)


def can_manage_game(
    actor: Actor, guild_discord_id: int, host_discord_id: int, manager_roles: Iterable[int]
) -> bool:
    """The host manages their own game; bot managers and server managers manage every game."""
    membership = actor.membership(guild_discord_id)
    if membership is None:
        return False
    if actor.discord_id == host_discord_id or membership.manage_guild:
        return True
    return bool(set(manager_roles) & membership.role_ids)


def can_configure(actor: Actor, guild_discord_id: int) -> bool:
    """Only Manage Server changes a server's or channel's settings."""
    membership = actor.membership(guild_discord_id)
    return membership is not None and membership.manage_guild

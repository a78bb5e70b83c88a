"""Get-or-create the servers, channels and users that games refer to, safe under concurrency."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.models import Channel, Guild, Role, User, new_calendar_token


def _insert_ignoring_duplicates(
    session: AsyncSession, model: type[Any], values: dict[str, Any]
) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).values(**values).on_conflict_do_nothing(index_elements=["discord_id"])


async def ensure_user(session: AsyncSession, discord_id: int, username: str = "") -> User:
    """The user with this Discord id, created on first sight; the name is refreshed when given."""
    await session.execute(
        _insert_ignoring_duplicates(
            session,
            User,
            {
                "discord_id": discord_id,
                "username": username,
                "calendar_token": new_calendar_token(),
            },
        )
    )
    user = (await session.execute(select(User).where(User.discord_id == discord_id))).scalar_one()
    if username and user.username != username:
        user.username = username
    return user


async def ensure_guild(session: AsyncSession, discord_id: int, name: str = "") -> Guild:
    """The server with this Discord id, created on first sight."""
    await session.execute(
        _insert_ignoring_duplicates(
            session,
            Guild,
            {"discord_id": discord_id, "name": name, "host_role_ids": [], "manager_role_ids": []},
        )
    )
    guild = (
        await session.execute(select(Guild).where(Guild.discord_id == discord_id))
    ).scalar_one()
    if name and guild.name != name:
        guild.name = name
    return guild


async def ensure_channel(
    session: AsyncSession, guild: Guild, discord_id: int, name: str = ""
) -> Channel:
    """The channel with this Discord id in ``guild``, created on first sight."""
    await session.execute(
        _insert_ignoring_duplicates(
            session, Channel, {"discord_id": discord_id, "guild_id": guild.id, "name": name}
        )
    )
    channel = (
        await session.execute(select(Channel).where(Channel.discord_id == discord_id))
    ).scalar_one()
    if name and channel.name != name:
        channel.name = name
    return channel


async def ensure_role(
    session: AsyncSession, guild: Guild, discord_id: int, name: str = "", permissions: int = 0
) -> Role:
    """The role with this Discord id in ``guild``, created on first sight, then kept current."""
    await session.execute(
        _insert_ignoring_duplicates(
            session,
            Role,
            {
                "discord_id": discord_id,
                "guild_id": guild.id,
                "name": name,
                "permissions": permissions,
            },
        )
    )
    role = (await session.execute(select(Role).where(Role.discord_id == discord_id))).scalar_one()
    role.name, role.permissions = name, permissions
    return role

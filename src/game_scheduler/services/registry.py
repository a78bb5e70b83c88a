"""Get-or-create the servers, channels and users that games refer to, safe under concurrency."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.games import clean_name
from game_scheduler.models import Channel, Guild, Role, User, new_calendar_token

M = TypeVar("M", User, Guild, Channel, Role)


def _read(model: type[M], lock: bool) -> Select[M]:
    """The read by Discord id (the ``discord_id`` parameter).

    ``lock`` reads the row ``FOR NO KEY UPDATE``, fresh, and keeps it locked until commit.
    """
    found = select(model).where(model.discord_id == bindparam("discord_id"))
    if lock:
        return found.with_for_update(key_share=True).execution_options(populate_existing=True)
    return found


# Made once: building a statement and its cache key cost CPU on every request.
_READS: dict[tuple[type[Any], bool], Select[Any]] = {
    (model, lock): _read(model, lock)
    for model in (User, Guild, Channel, Role)
    for lock in (False, True)
}


async def _get_or_create(
    session: AsyncSession, model: type[M], values: dict[str, Any], *, lock: bool = False
) -> M:
    """Read; on a miss INSERT ... ON CONFLICT DO NOTHING and read again: racers get one row.

    ``lock``: see :func:`_read`.
    """
    found: Select[M] = _READS[model, lock]
    key = {"discord_id": values["discord_id"]}
    row = (await session.execute(found, key)).scalar_one_or_none()
    if row is not None:
        return row
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(model).values(**values).on_conflict_do_nothing(index_elements=["discord_id"])
    )
    return (await session.execute(found, key)).scalar_one()


async def ensure_user(
    session: AsyncSession, discord_id: int, username: str = "", *, lock: bool = False
) -> User:
    """The user with this Discord id, created on first sight; the name is refreshed when given.

    ``lock``: the row stays locked until commit, so a concurrent change of the user's settings
    (reminder offsets) waits for this transaction or is read by it.
    """
    username = clean_name(username)
    user = await _get_or_create(
        session,
        User,
        {"discord_id": discord_id, "username": username, "calendar_token": new_calendar_token()},
        lock=lock,
    )
    if username and user.username != username:
        user.username = username
    return user


async def ensure_guild(session: AsyncSession, discord_id: int, name: str = "") -> Guild:
    """The server with this Discord id, created on first sight."""
    guild = await _get_or_create(
        session,
        Guild,
        {"discord_id": discord_id, "name": name, "host_role_ids": [], "manager_role_ids": []},
    )
    if name and guild.name != name:
        guild.name = name
    return guild


async def ensure_channel(
    session: AsyncSession, guild: Guild, discord_id: int, name: str = ""
) -> Channel:
    """The channel with this Discord id in ``guild``, created on first sight."""
    channel = await _get_or_create(
        session, Channel, {"discord_id": discord_id, "guild_id": guild.id, "name": name}
    )
    if name and channel.name != name:
        channel.name = name
    return channel


async def ensure_role(
    session: AsyncSession, guild: Guild, discord_id: int, name: str = "", permissions: int = 0
) -> Role:
    """The role with this Discord id in ``guild``, created on first sight, then kept current."""
    values = {"discord_id": discord_id, "guild_id": guild.id, "name": name}
    role = await _get_or_create(session, Role, {**values, "permissions": permissions})
    role.name, role.permissions = name, permissions
    return role

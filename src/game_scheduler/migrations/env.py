"""Alembic environment: the database comes from DATABASE_URL (or a connection passed in)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from game_scheduler.config import get_settings
from game_scheduler.database import sync_url
from game_scheduler.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection when given one, else connect to DATABASE_URL."""
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    url = config.get_main_option("sqlalchemy.url") or sync_url(get_settings().database_url)
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()

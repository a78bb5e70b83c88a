"""Run the Alembic migrations shipped inside the package, from any directory and any install."""

from __future__ import annotations

import logging
from pathlib import Path

# Alembic announces each of its plugins at INFO while it is imported, so this must come first;
# the revisions it runs are what operators need.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402

from game_scheduler.database import sync_url  # noqa: E402

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic config for the packaged migrations; without a URL, DATABASE_URL is used."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url is not None:
        config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Bring the database up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    """Take the database down to ``revision``."""
    command.downgrade(alembic_config(database_url), revision)

"""Fixtures shared by every test: real PostgreSQL, SQLite and RabbitMQ, isolated per session."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from game_scheduler import database, migrate
from game_scheduler.config import Settings, get_settings
from tests.support import services

# Tests run processes on PostgreSQL, which refuse the public default key (issue 12, item 6).
os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database at the newest schema, for the whole session."""
    name = services.unique_name("gs_test")
    url = services.migrated_pg_database(name)
    yield url
    services.drop_pg_database(name)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file at the newest schema, for the whole session."""
    path: Path = tmp_path_factory.mktemp("sqlite") / "test.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def rabbitmq_url() -> Iterator[str]:
    """A RabbitMQ vhost of this session's own on the real broker."""
    name = services.unique_name("gs_test")
    url = services.create_vhost(name)
    yield url
    services.delete_vhost(name)


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Settings]]:
    """Set environment variables for this test and re-read the settings."""

    def apply(**env: str) -> Settings:
        for key, value in env.items():
            monkeypatch.setenv(key.upper(), value)
        get_settings.cache_clear()
        return get_settings()

    yield apply
    get_settings.cache_clear()


async def _use_database(url: str, configure: Callable[..., Settings]) -> AsyncIterator[str]:
    await database.dispose_engines()
    configure(database_url=url)
    try:
        yield url
    finally:
        await database.dispose_engines()
        services.clear_tables(url)


@pytest.fixture(params=["postgresql", "sqlite"])
async def db_url(
    request: pytest.FixtureRequest, configure: Callable[..., Settings]
) -> AsyncIterator[str]:
    """DATABASE_URL set to PostgreSQL, then to SQLite; tables emptied after each test."""
    url = request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")
    async for value in _use_database(url, configure):
        yield value


@pytest.fixture
async def pg_db_url(pg_url: str, configure: Callable[..., Settings]) -> AsyncIterator[str]:
    """DATABASE_URL set to PostgreSQL only (row locks, SKIP LOCKED); tables emptied after."""
    async for value in _use_database(pg_url, configure):
        yield value


def pytest_report_header() -> list[str]:
    return [
        f"postgres admin: {services.PG_ADMIN_URL}",
        f"rabbitmq: {services.RABBITMQ_ROOT_URL}",
        f"cwd: {os.getcwd()}",
    ]

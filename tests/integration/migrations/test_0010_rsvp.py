"""Migration 0010_rsvp keeps every existing signup as "going", on PostgreSQL and SQLite."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from game_scheduler import migrate
from game_scheduler.database import sync_url
from tests.support import services

PREVIOUS = "0009_ops"


@pytest.fixture(params=["postgresql", "sqlite"])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    name = services.unique_name("gs_migrate")
    url = services.create_pg_database(name)
    yield url
    services.drop_pg_database(name)


def test_existing_signups_stay_going_and_settings_inherit(empty_url):
    migrate.upgrade(empty_url, PREVIOUS)
    engine = create_engine(sync_url(empty_url))
    now = datetime(2030, 1, 1, tzinfo=UTC)
    rows = {
        "guild": {"id": 1, "discord_id": 10, "name": "g", "host_role_ids": "[]",
                  "manager_role_ids": "[]", "bot_present": True, "created_at": now},
        "channel": {"id": 1, "discord_id": 20, "guild_id": 1, "name": "c", "enabled": True,
                    "bot_present": True},
        "user_account": {"id": 1, "discord_id": 30, "username": "u",
                         "calendar_token": "tok-1234567890abcdef", "created_at": now},
        "game": {"id": 1, "guild_id": 1, "channel_id": 1, "host_id": 1, "title": "t",
                 "description": "", "location": "", "signup_instructions": "",
                 "scheduled_at": now, "duration_minutes": 60, "max_players": 2,
                 "min_players": 1, "status": "SCHEDULED", "created_at": now,
                 "updated_at": now, "version": 1},
        "participant": {"id": 1, "game_id": 1, "user_id": 1, "joined_at": now, "position": 1},
    }  # fmt: skip
    with engine.begin() as conn:
        for table, row in rows.items():
            columns = ", ".join(row)
            values = ", ".join(f":{c}" for c in row)
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)
    engine.dispose()

    migrate.upgrade(empty_url)

    engine = create_engine(sync_url(empty_url))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT response FROM participant")).scalars().all() == ["going"]
        for table in ("game", "channel", "guild"):
            assert conn.execute(text(f"SELECT remind_maybe FROM {table}")).scalar_one() is None
    engine.dispose()

    migrate.downgrade(empty_url, PREVIOUS)
    engine = create_engine(sync_url(empty_url))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM participant")).scalar_one() == 1
    engine.dispose()

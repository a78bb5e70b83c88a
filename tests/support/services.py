"""Throwaway PostgreSQL databases, SQLite files and RabbitMQ vhosts for one test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from urllib.parse import quote

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from game_scheduler import migrate
from game_scheduler.database import sync_url
from game_scheduler.models import Base

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RABBITMQ_ROOT_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def unique_name(prefix: str) -> str:
    """A name no other test session on this machine uses."""
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def create_pg_database(name: str) -> str:
    """Create an empty database and return its URL."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(name: str) -> None:
    """Drop a database even if connections are still open."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrated_pg_database(name: str) -> str:
    """A fresh database at the newest schema."""
    url = create_pg_database(name)
    migrate.upgrade(url)
    return url


def clear_tables(url: str) -> None:
    """Empty every table, keeping the schema (between tests)."""
    engine = create_engine(sync_url(url))
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    engine.dispose()


def rabbitmqctl(*args: str) -> None:
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([ctl, "-q", *args], check=True, capture_output=True, timeout=60)


def create_vhost(name: str) -> str:
    """A RabbitMQ virtual host of our own, so parallel sessions never see each other's messages."""
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    return RABBITMQ_ROOT_URL.rstrip("/") + "/" + quote(name, safe="")


def delete_vhost(name: str) -> None:
    """Remove a vhost and everything in it."""
    rabbitmqctl("delete_vhost", name)

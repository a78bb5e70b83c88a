"""``up`` without SECRET_KEY: a random key generated once and kept beside the SQLite file."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from game_scheduler.config import DEFAULT_SECRET_KEY, get_settings

log = logging.getLogger(__name__)


def key_file(database_url: str) -> Path | None:
    """``<database file>.secret``, or None when the database is not a SQLite file."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).with_name(Path(url.database).name + ".secret")


def use_local_secret_key() -> None:
    """Replace the public default key by this installation's own, so stored tokens stay private."""
    settings = get_settings()
    if settings.secret_key.get_secret_value() != DEFAULT_SECRET_KEY:
        return
    path = key_file(settings.database_url)
    if path is None:
        key = secrets.token_urlsafe(48)
    elif path.exists():
        key = path.read_text().strip()
    else:
        key = secrets.token_urlsafe(48)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key + "\n")
        log.info("generated SECRET_KEY, kept in %s", path)
    os.environ["SECRET_KEY"] = key
    get_settings.cache_clear()

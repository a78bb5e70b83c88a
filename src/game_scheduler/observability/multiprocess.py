"""Turn on prometheus-client's multiprocess mode for a process that forks or spawns workers.

prometheus-client reads ``PROMETHEUS_MULTIPROC_DIR`` when it is first imported, so this module
does not import it: call it before that import in a process that forks (Celery's prefork pool),
or before starting workers that import afresh (uvicorn's spawned workers). A directory given by
the operator is used as it is (empty it at each start, e.g. systemd's ``RuntimeDirectory=``);
otherwise a fresh one is made and removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def ensure_multiprocess_dir(kind: str) -> str:
    """The directory the forked processes share their metrics through (made if unset)."""
    existing = os.environ.get(VARIABLE)
    if existing:
        return existing
    path = tempfile.mkdtemp(prefix=f"game-scheduler-{kind}-metrics-")
    os.environ[VARIABLE] = path
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # not in a forked child that happens to exit cleanly
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(remove)
    return path

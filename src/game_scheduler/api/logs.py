"""Keep the login's authorization code and the private feed's token out of the access log."""

from __future__ import annotations

import logging
import re

CALLBACK = "/auth/callback?"
FEED = re.compile(r"^/calendar/[^/?]+\.ics")


def redact_path(path: str) -> str:
    """The request path as it may be logged: no OAuth code or state, no feed token."""
    if path.startswith(CALLBACK):
        return CALLBACK + "[redacted]"
    return FEED.sub("/calendar/[redacted].ics", path)


class RedactLoginCallback(logging.Filter):
    """uvicorn logs each request's path with its query; some carry secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(redact_path(arg) if isinstance(arg, str) else arg for arg in args)
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger once per process."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactLoginCallback) for f in logger.filters):
        logger.addFilter(RedactLoginCallback())

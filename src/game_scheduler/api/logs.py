"""Keep the login's authorization code out of the access log."""

from __future__ import annotations

import logging

CALLBACK = "/auth/callback?"


class RedactLoginCallback(logging.Filter):
    """uvicorn logs each request's path with its query; the callback's carries the code."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(
                CALLBACK + "[redacted]"
                if isinstance(arg, str) and arg.startswith(CALLBACK)
                else arg
                for arg in args
            )
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger once per process."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactLoginCallback) for f in logger.filters):
        logger.addFilter(RedactLoginCallback())

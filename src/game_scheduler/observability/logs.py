"""Logging for every process: human-readable by default, one JSON object per line on request.

``LOG_FORMAT=json`` uses python-json-logger. Each record carries what is known about the work in
hand (``event_id``, ``game_id``, ``reminder_id``, ``guild_id``), bound by the consumer and task
wrappers through context variables, and passes a redaction filter first: no token, password,
OAuth code or calendar-feed token reaches a log line in either format.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from game_scheduler.config import Settings

HUMAN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d"
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger"}
REDACTED = "[redacted]"
HANDLER_NAME = "game_scheduler"

CONTEXT_FIELDS = ("event_id", "game_id", "reminder_id", "guild_id")
_context: dict[str, ContextVar[str | None]] = {
    name: ContextVar(f"log_{name}", default=None) for name in CONTEXT_FIELDS
}

# Secrets that have a recognisable shape wherever they appear (the values in the settings are
# redacted by value as well, whatever their shape).
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Discord bot tokens: base64 user id, timestamp, HMAC.
    (re.compile(r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}"), REDACTED),
    (re.compile(r"(?i)\b(Bot|Bearer)\s+[A-Za-z\d._~+/=-]{16,}"), r"\1 " + REDACTED),
    # Credentials in query strings and form fields, wherever they appear.
    (
        re.compile(
            r"(?i)\b((?:access_|refresh_|feed_|calendar_)?token|client_secret|secret|password)"
            r"=([^&\s\"']+)"
        ),
        r"\1=" + REDACTED,
    ),
    # OAuth's code and state, only as query parameters (``exit code=1`` stays readable).
    (re.compile(r"(?i)([?&](?:code|state)=)[^&\s\"']+"), r"\1" + REDACTED),
    # The private calendar feed: /calendar/<token>.ics
    (re.compile(r"/calendar/[A-Za-z\d_-]{8,}\.ics"), "/calendar/" + REDACTED + ".ics"),
    # Passwords in URLs: scheme://user:password@host
    (re.compile(r"(://[^/:@\s]*):[^@/\s]+@"), r"\1:" + REDACTED + "@"),
)


def bind_context(**fields: object) -> dict[str, Token[str | None]]:
    """Attach these fields to every log line of this task/context; returns tokens to undo it."""
    return {
        name: _context[name].set(None if value is None else str(value))
        for name, value in fields.items()
        if name in _context
    }


def reset_context(tokens: dict[str, Token[str | None]]) -> None:
    """Undo :func:`bind_context`."""
    for name, token in tokens.items():
        _context[name].reset(token)


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """``with log_context(event_id=...)``: the fields are on every line logged inside."""
    tokens = bind_context(**fields)
    try:
        yield
    finally:
        reset_context(tokens)


class ContextFilter(logging.Filter):
    """Copy the bound context onto the record, so both formats can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _context.items():
            value = var.get()
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        return True


class RedactSecrets(logging.Filter):
    """Render the message, then blank out secrets: by value (from the settings) and by shape."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is blanked whole.
        self._secrets = sorted({s for s in secrets or [] if len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """The text with every known secret and secret-shaped string replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw parts, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class HumanFormatter(logging.Formatter):
    """The classic line, with the bound context appended where known."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        known = [
            f"{name}={getattr(record, name)}" for name in CONTEXT_FIELDS if hasattr(record, name)
        ]
        if not known:
            return line
        head, newline, rest = line.partition("\n")
        return f"{head} [{' '.join(known)}]{newline}{rest}"


class JsonLineFormatter(JsonFormatter):
    """python-json-logger with the traceback taken from the (redacted) ``exc_text``."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        if record.exc_text and "exc_info" not in log_data:
            log_data["exc_info"] = record.exc_text


def settings_secrets(settings: Settings) -> list[str]:
    """Every secret the settings hold, as plain strings."""
    values = [settings.secret_key.get_secret_value()]
    for secret in (settings.discord_token, settings.discord_client_secret):
        if secret is not None:
            values.append(secret.get_secret_value().strip())
    for url in (settings.database_url, settings.rabbitmq_url):
        match = re.search(r"://[^/:@\s]*:([^@/\s]+)@", url)
        if match:
            values.append(match.group(1))
    return values


def make_formatter(log_format: str) -> logging.Formatter:
    """``json`` or the human-readable default."""
    if log_format.strip().lower() == "json":
        return JsonLineFormatter(JSON_FIELDS, rename_fields=JSON_RENAMES, json_ensure_ascii=False)
    return HumanFormatter(HUMAN_FORMAT)


def make_handler(settings: Settings, stream: Any = None) -> logging.Handler:
    """A stream handler with the context and redaction filters and the chosen format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactSecrets(settings_secrets(settings)))
    handler.setFormatter(make_formatter(settings.log_format))
    handler.set_name(HANDLER_NAME)
    return handler


def configure_logging(settings: Settings) -> None:
    """Like ``logging.basicConfig``: install our handler unless someone else configured logging.

    Calling it again replaces our own handler (e.g. after the settings changed).
    """
    root = logging.getLogger()
    ours = [h for h in root.handlers if h.get_name() == HANDLER_NAME]
    if len(ours) != len(root.handlers):
        return  # a host (pytest, an embedding program) owns the root logger
    for handler in ours:
        root.removeHandler(handler)
    root.addHandler(make_handler(settings))
    root.setLevel(settings.log_level.upper())

"""Log lines: JSON on request, with the bound context, and never a secret."""

import io
import json
import logging

import pytest
from pydantic import SecretStr

from game_scheduler.config import Settings
from game_scheduler.observability.logs import (
    REDACTED,
    RedactSecrets,
    log_context,
    make_handler,
    settings_secrets,
)

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def _logger(settings: Settings) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    logger = logging.getLogger(f"test.logs.{id(stream)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(make_handler(settings, stream))
    return logger, stream


def _settings(**more: object) -> Settings:
    return Settings(
        discord_token=SecretStr(TOKEN),
        discord_client_secret=SecretStr("client-secret-value-xyz"),
        secret_key=SecretStr("session-signing-key-123"),
        database_url="postgresql://gs:db-password-1@db.example/gs",
        rabbitmq_url="amqp://gs:mq-password-2@mq.example:5672/",
        **more,
    )


def test_json_lines_carry_the_fields_and_the_bound_context():
    logger, stream = _logger(_settings(log_format="json"))

    with log_context(event_id="1b2c", game_id=7, guild_id=None):
        logger.info("handled %s", "thing")
    logger.warning("outside")

    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "handled thing"
    assert first["level"] == "INFO"
    assert first["logger"].startswith("test.logs.")
    assert isinstance(first["process"], int)
    assert first["time"]
    assert (first["event_id"], first["game_id"]) == ("1b2c", "7")
    assert "guild_id" not in first
    assert "event_id" not in second


def test_the_default_format_stays_human_readable_and_shows_the_context():
    logger, stream = _logger(_settings())

    with log_context(event_id="abc"):
        logger.info("hello")

    line = stream.getvalue().strip()
    assert " INFO test.logs." in line
    assert line.endswith("hello [event_id=abc]")


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_no_secret_reaches_a_line(log_format):
    settings = _settings(log_format=log_format)
    logger, stream = _logger(settings)

    logger.info("token %s", TOKEN)
    logger.info("header Authorization: Bot %s", "x" * 30)
    logger.info("GET /auth/callback?code=oauth-code-123&state=st4te HTTP/1.1")
    logger.info("GET /calendar/AbCdEfGhIjKlMnOp1234.ics")
    logger.info("feed https://x.example/api/v1/calendar.ics?token=feedtoken99")
    logger.info("connecting to %s", settings.database_url)
    logger.info("secrets %s %s", "client-secret-value-xyz", "session-signing-key-123")
    try:
        raise RuntimeError(f"login failed for {TOKEN} at {settings.rabbitmq_url}")
    except RuntimeError:
        logger.exception("boom")

    out = stream.getvalue()
    for secret in [
        TOKEN,
        "x" * 30,
        "oauth-code-123",
        "st4te",
        "AbCdEfGhIjKlMnOp1234",
        "feedtoken99",
        "db-password-1",
        "mq-password-2",
        "client-secret-value-xyz",
        "session-signing-key-123",
    ]:
        assert secret not in out, secret
    assert out.count(REDACTED) >= 10
    assert "RuntimeError" in out  # the traceback is kept, redacted


def test_settings_secrets_include_url_passwords():
    found = settings_secrets(_settings())
    assert {"db-password-1", "mq-password-2", TOKEN} <= set(found)


def test_redaction_keeps_ordinary_text():
    assert RedactSecrets([]).redact("game 12 starts at 2026-12-01T18:00Z") == (
        "game 12 starts at 2026-12-01T18:00Z"
    )


def test_words_like_code_and_state_stay_readable_outside_a_query():
    redact = RedactSecrets([]).redact
    assert redact("gateway closed with code=1000, state=resuming") == (
        "gateway closed with code=1000, state=resuming"
    )
    assert redact("GET /cb?state=abc&code=xyz") == f"GET /cb?state={REDACTED}&code={REDACTED}"

"""PKCE, session keys, token encryption at rest, the redirect guard, the access-log filter."""

import logging

import pytest

from game_scheduler.api.logs import RedactLoginCallback
from game_scheduler.models import WebSession
from game_scheduler.services.auth import login, sessions, tokens


def test_pkce_challenge_matches_rfc_7636_example():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert tokens.pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_session_key_is_a_stable_hash_not_the_cookie():
    key = tokens.session_key("cookie-value")
    assert key == tokens.session_key("cookie-value")
    assert key != tokens.session_key("cookie-valuf")
    assert "cookie-value" not in key
    assert len(key) == 64


def test_encryption_round_trips_and_needs_the_same_secret_key(configure):
    configure(secret_key="first-secret")
    sealed = tokens.encrypt("discord-access-token")
    assert "discord-access-token" not in sealed
    assert tokens.encrypt("discord-access-token") != sealed
    assert tokens.decrypt(sealed) == "discord-access-token"
    configure(secret_key="second-secret")
    assert tokens.decrypt(sealed) is None
    assert tokens.decrypt("not a token") is None


def test_csrf_check_is_exact():
    web_session = WebSession(csrf_token="abc123")
    assert sessions.check_csrf(web_session, "abc123")
    assert not sessions.check_csrf(web_session, "abc124")
    assert not sessions.check_csrf(web_session, None)
    assert not sessions.check_csrf(web_session, "")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/games/5?tab=players", "/games/5?tab=players"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("/" + "a" * 600, "/"),
    ],
)
def test_next_url_stays_on_this_site(given, kept):
    assert login.safe_next(given) == kept


def test_access_log_hides_the_login_code():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/auth/callback?code=SECRET&state=S", "1.1", 303),
        None,
    )
    assert RedactLoginCallback().filter(record)
    assert "SECRET" not in record.getMessage()
    assert "/auth/callback?[redacted]" in record.getMessage()
    other = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, "%s", ("/api/v1/games?x=1",), None
    )
    RedactLoginCallback().filter(other)
    assert other.getMessage() == "/api/v1/games?x=1"

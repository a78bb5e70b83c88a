"""Random tokens, PKCE, session id hashing and encryption at rest of Discord tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from game_scheduler.config import get_settings


def random_token(nbytes: int = 32) -> str:
    """An unguessable URL-safe token."""
    return secrets.token_urlsafe(nbytes)


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge for a PKCE verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def session_key(cookie_value: str) -> str:
    """What the database stores for a session cookie, so a leaked table opens no session."""
    return hashlib.sha256(cookie_value.encode()).hexdigest()


def same_token(given: str | None, expected: str) -> bool:
    """Compare secrets in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"game-scheduler discord tokens",
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _cipher() -> Fernet:
    return _fernet(get_settings().secret_key.get_secret_value())


def encrypt(plaintext: str) -> str:
    """Encrypt a Discord token for storage with a key derived from SECRET_KEY."""
    return _cipher().encrypt(plaintext.encode()).decode("ascii")


def decrypt(ciphertext: str) -> str | None:
    """The stored token, or None when it cannot be read (SECRET_KEY changed)."""
    try:
        return _cipher().decrypt(ciphertext.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None

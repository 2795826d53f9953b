"""Encryption at rest and blind indexes for personal data (ID and phone numbers).

The database holds only Fernet tokens and a keyed HMAC of each value; nothing
in the system reads a plain ID number from the database.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet():
    return MultiFernet([Fernet(k.encode()) for k in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(value):
    if value in (None, ""):
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token):
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # pragma: no cover - a key problem, not user input
        raise RuntimeError("personal data cannot be decrypted with the configured keys") from exc


def encrypt_bytes(data):
    """A file's bytes as a Fernet token (text, so that ``rotate_keys`` finds it like any ``*_encrypted`` column)."""
    return _fernet().encrypt(data).decode() if data else ""


def decrypt_bytes(token):
    if not token:
        return b""
    try:
        return _fernet().decrypt(token.encode())
    except InvalidToken as exc:  # pragma: no cover - a key problem, not user input
        raise RuntimeError("a stored file cannot be decrypted with the configured keys") from exc


def rotate(token):
    """Re-encrypt a token under the first (current) key."""
    return _fernet().rotate(token.encode()).decode() if token else token


def blind_index(value):
    """Keyed hash of a normalised value, for uniqueness and exact search."""
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def reset_cache():
    _fernet.cache_clear()

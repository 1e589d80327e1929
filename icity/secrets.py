"""Secrets kept in the database (an IMAP password), encrypted at rest with Fernet.

Keys: ``FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys; the first encrypts, all
decrypt, so a key can be rotated), or by default one derived from ``SECRET_KEY``.
A database dump or a backup alone then reveals no password. Stored values carry a
prefix, so a value written before encryption existed is recognised and still read.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc:v1:"


def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        derived = hashlib.sha256(b"icity field encryption\0" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(plaintext: str) -> str:
    """``PREFIX`` + a Fernet token; empty stays empty (nothing to hide)."""
    if not plaintext:
        return ""
    return PREFIX + _fernet().encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    """The plaintext of a stored value; a value from before encryption is returned as it is."""
    if not is_encrypted(stored):
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted: SECRET_KEY or FIELD_ENCRYPTION_KEYS changed "
            "without keeping the old key in FIELD_ENCRYPTION_KEYS."
        ) from error

"""Encryption of secrets at rest (OAuth tokens, app passwords, webhook secrets).

Keys come from ``TRIBUNE_ENCRYPTION_KEYS`` (comma-separated Fernet keys; the first
encrypts, all decrypt — that is the rotation path, see ``tribune rotate_keys``). Without
configured keys, one key is derived from SECRET_KEY so the embedded install works.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


class DecryptionError(RuntimeError):
    pass


def _derived_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tribune-at-rest", info=b"v1")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    materials = [k.encode() for k in keys] or [_derived_key(secret)]
    return MultiFernet([Fernet(m) for m in materials])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.TRIBUNE_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt_text(plain: str) -> str:
    return fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError(
            "A stored secret cannot be decrypted with the configured keys "
            "(TRIBUNE_ENCRYPTION_KEYS changed without keeping the old key?)."
        ) from None


def rotate_text(token: str) -> str:
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedJSONField(models.TextField):
    """A dict stored as Fernet ciphertext. Never readable in a database dump."""

    # Tell django-stubs what Python type the attribute holds.
    _pyi_private_set_type: dict[str, Any]  # type: ignore[assignment]
    _pyi_private_get_type: dict[str, Any]  # type: ignore[assignment]

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return {}
        return json.loads(decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        if not value:
            return {}
        return json.loads(decrypt_text(value))

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            value = {}
        return encrypt_text(json.dumps(value, sort_keys=True))

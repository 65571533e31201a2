"""Personal identifiers at rest: Fernet encryption (AES-128-CBC + HMAC-SHA256, from `cryptography`)
with key rotation, and a keyed hash (HMAC-SHA256) for exact-match search without decrypting."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.translation import gettext


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(plaintext: str) -> str:
    return _fernet(tuple(settings.JIANDU_ENCRYPTION_KEYS)).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.JIANDU_ENCRYPTION_KEYS)).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError(gettext("无法解密：密钥不匹配或数据已损坏")) from exc


def lookup_hash(kind: str, value: str) -> str:
    """Equal inputs give equal hashes (so the column can be indexed and searched); without the key
    the hash reveals nothing, unlike a plain SHA-256 of a 身份证号, which is easy to brute-force."""
    key = settings.JIANDU_LOOKUP_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

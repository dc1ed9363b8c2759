"""Encryption at rest and pseudonymous keys, both derived from the master secret.

- Message bodies and platform ids are stored as AES-256-GCM tokens:
  version byte | key id byte | 12-byte nonce | ciphertext+tag. The key id makes
  rotation possible (the data-protection issue adds a key ring; decrypting only needs
  the old key to stay in the ring).
- Contacts are found by HMAC-SHA256(secret, channel + platform id): the database never
  needs the raw Telegram or WhatsApp id to look someone up.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_VERSION = 1


@lru_cache(maxsize=64)
def derive_key(secret: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose, so no key is ever used for two things."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"helpline:{purpose}".encode()
    ).derive(secret.encode())


class DecryptionError(ValueError):
    """A token that is damaged, or encrypted with a key this ring does not hold."""


class Cipher:
    def __init__(self, keys: dict[int, bytes], current: int) -> None:
        if current not in keys:
            raise ValueError("the current key id must be in the key ring")
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._current = current

    @classmethod
    def from_secret(cls, secret: str) -> Cipher:
        return cls({1: derive_key(secret, "encryption:1")}, current=1)

    def encrypt(self, plaintext: str, context: bytes = b"") -> bytes:
        """`context` (e.g. b"message") is authenticated: a token cannot be moved elsewhere."""
        nonce = os.urandom(12)
        sealed = self._keys[self._current].encrypt(nonce, plaintext.encode("utf-8"), context)
        return bytes([TOKEN_VERSION, self._current]) + nonce + sealed

    def decrypt(self, token: bytes, context: bytes = b"") -> str:
        if len(token) < 2 + 12 + 16 or token[0] != TOKEN_VERSION:
            raise DecryptionError("not a helpline encryption token")
        key = self._keys.get(token[1])
        if key is None:
            raise DecryptionError(f"key {token[1]} is not in the key ring")
        try:
            return key.decrypt(token[2:14], token[14:], context).decode("utf-8")
        except Exception as exc:  # InvalidTag: damaged, or wrong context
            raise DecryptionError("the token is damaged or belongs elsewhere") from exc


def pseudonymous_key(secret: str, channel: str, platform_id: str) -> str:
    """Stable per person and channel, meaningless without the secret."""
    key = derive_key(secret, "contact-key")
    return hmac.new(key, f"{channel}:{platform_id}".encode(), hashlib.sha256).hexdigest()

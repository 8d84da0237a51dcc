"""Encryption of personal fields at rest, and the keyed hashes (blind indexes) that find them.

Pure: takes its keys as arguments, imports no Flask. Keys come from READINESS_DATA_KEYS, several
separated by commas, newest first; each is 32 random bytes in URL-safe base64
(`python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`).

A value is stored as `v1.<key id>.<base64 of nonce + AES-256-GCM ciphertext>`: the key id says
which key opens it, so a rotation can tell which rows still need re-encrypting. A blind index is
an HMAC-SHA256 of the normalised value under a key derived from a data key (never the data key
itself); searches compare it under every configured key, and a rotation rewrites it under the
newest.
"""

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1"
NONCE_BYTES = 12


class DataKeyError(ValueError):
    """A key setting that cannot be used."""


class UndecryptableValue(ValueError):
    """A stored value none of the configured keys opens (names the key id, never the value)."""


def new_key() -> str:
    """A fresh data key, as READINESS_DATA_KEYS expects it."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def key_id(raw: bytes) -> str:
    """A short, public name for a key: it says which key a value needs, and reveals nothing."""
    return hmac.new(raw, b"readiness key id", hashlib.sha256).hexdigest()[:8]


@dataclass(frozen=True)
class DataKey:
    id: str
    aead: AESGCM
    index_key: bytes


class Keyring:
    """The configured keys, newest first: encrypt with the newest, decrypt with any."""

    def __init__(self, encoded_keys: list[str]):
        if not encoded_keys:
            raise DataKeyError("at least one data key is needed")
        self.keys: list[DataKey] = []
        for encoded in encoded_keys:
            try:
                raw = base64.urlsafe_b64decode(encoded.strip().encode())
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) != 32:
                raise DataKeyError("each data key must be 32 bytes in URL-safe base64")
            index_key = hmac.new(raw, b"readiness blind index", hashlib.sha256).digest()
            self.keys.append(DataKey(key_id(raw), AESGCM(raw), index_key))
        self.by_id = {key.id: key for key in self.keys}

    @classmethod
    def from_setting(cls, value) -> "Keyring":
        """From READINESS_DATA_KEYS: a comma-separated string or a list."""
        if isinstance(value, str):
            value = value.split(",")
        return cls([item for item in (value or []) if item and item.strip()])

    @property
    def newest(self) -> DataKey:
        return self.keys[0]

    def newest_prefix(self) -> str:
        """What every value encrypted with the newest key starts with."""
        return f"{PREFIX}.{self.newest.id}."

    def encrypt(self, text: str) -> str:
        key = self.newest
        nonce = os.urandom(NONCE_BYTES)
        sealed = key.aead.encrypt(nonce, text.encode(), PREFIX.encode())
        return f"{PREFIX}.{key.id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        """The clear text. A value written before encryption was turned on is returned as is
        (`flask data rotate-key` encrypts those)."""
        if not is_encrypted(stored):
            return stored
        _, kid, body = stored.split(".", 2)
        key = self.by_id.get(kid)
        if key is None:
            raise UndecryptableValue(f"no configured data key has the id {kid}")
        blob = base64.urlsafe_b64decode(body.encode())
        try:
            clear = key.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], PREFIX.encode())
        except Exception as error:  # cryptography's InvalidTag: altered or wrong key
            raise UndecryptableValue(f"a value under key {kid} failed authentication") from error
        return clear.decode()

    def blind_index(self, normalised: str, key: DataKey | None = None) -> str:
        """The keyed hash a search compares, for an already normalised value."""
        key = key or self.newest
        return hmac.new(key.index_key, normalised.encode(), hashlib.sha256).hexdigest()

    def blind_indexes(self, normalised: str) -> list[str]:
        """The value's hash under every configured key (rows not yet rotated use an older one)."""
        return [self.blind_index(normalised, key) for key in self.keys]


def is_encrypted(stored: str) -> bool:
    parts = stored.split(".", 2)
    return len(parts) == 3 and parts[0] == PREFIX and len(parts[1]) == 8


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_phone(e164: str) -> str:
    return e164.strip()

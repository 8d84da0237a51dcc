"""Encryption of personal fields at rest, and the keyed hashes (blind indexes) that find them.

Pure: takes its keys as arguments, imports no Flask. Keys come from READINESS_DATA_KEYS, several
separated by commas, newest first; each is 32 random bytes in URL-safe base64
(`python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`).

A value is stored as `v2.<key id>.<place>.<base64 of nonce + AES-256-GCM ciphertext>`: the key
id says which key opens it, so a rotation can tell which rows still need re-encrypting; the place
(`<table>.<column>.<row id>`) is the AEAD's associated data, so a value copied to another
column or row no longer matches where it is read (readiness.encrypted checks that on every
load), and an edited place fails authentication. Values written before (`v1.<key id>.<…>`, bound
to nothing) are still read; `flask data rotate-key` rewrites them as v2. A blind index is
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

PREFIX = "v2"
LEGACY_PREFIX = "v1"  # bound to nothing: read, never written
NONCE_BYTES = 12
UNBOUND = "-"  # the place of a value not yet written to its row (readiness.encrypted fixes it)
# Sealed under each data key in use and kept in the database (data_key_check), so a start with
# a key that does not open it, or without any key the data was written with, is refused.
KEY_CHECK_TEXT = "readiness data key check"


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

    def encrypt(self, text: str, place: str = UNBOUND) -> str:
        """Sealed with the newest key, bound to its place ("<table>.<column>.<row id>")."""
        if "." not in place and place != UNBOUND:
            raise ValueError("a place is <table>.<column>.<row id>")
        key = self.newest
        nonce = os.urandom(NONCE_BYTES)
        sealed = key.aead.encrypt(nonce, text.encode(), associated_data(place))
        body = base64.urlsafe_b64encode(nonce + sealed).decode()
        return f"{PREFIX}.{key.id}.{place}.{body}"

    def open(self, stored: str) -> tuple[str, str | None]:
        """(clear text, the place it was sealed for; None for a legacy or clear value). A value
        written before encryption was turned on is returned as is (rotate-key encrypts those)."""
        if not is_encrypted(stored):
            return stored, None
        version, kid, rest = stored.split(".", 2)
        place, body = rest.rsplit(".", 1) if version == PREFIX else (None, rest)
        key = self.by_id.get(kid)
        if key is None:
            raise UndecryptableValue(f"no configured data key has the id {kid}")
        blob = base64.urlsafe_b64decode(body.encode())
        data = associated_data(place) if place is not None else LEGACY_PREFIX.encode()
        try:
            clear = key.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], data)
        except Exception as error:  # cryptography's InvalidTag: altered, moved or wrong key
            raise UndecryptableValue(f"a value under key {kid} failed authentication") from error
        return clear.decode(), place

    def decrypt(self, stored: str) -> str:
        return self.open(stored)[0]

    def key_check(self, key: DataKey | None = None) -> str:
        """KEY_CHECK_TEXT sealed under a key (the newest by default), for data_key_check."""
        key = key or self.newest
        nonce = os.urandom(NONCE_BYTES)
        sealed = key.aead.encrypt(nonce, KEY_CHECK_TEXT.encode(), b"key check")
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def opens_key_check(self, key_id: str, sealed: str) -> bool:
        key = self.by_id.get(key_id)
        if key is None:
            return False
        blob = base64.urlsafe_b64decode(sealed.encode())
        try:
            clear = key.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], b"key check")
        except Exception:  # InvalidTag: another key with a colliding id, or an edited row
            return False
        return clear.decode() == KEY_CHECK_TEXT

    def blind_index(self, normalised: str, key: DataKey | None = None) -> str:
        """The keyed hash a search compares, for an already normalised value."""
        key = key or self.newest
        return hmac.new(key.index_key, normalised.encode(), hashlib.sha256).hexdigest()

    def blind_indexes(self, normalised: str) -> list[str]:
        """The value's hash under every configured key (rows not yet rotated use an older one)."""
        return [self.blind_index(normalised, key) for key in self.keys]


def associated_data(place: str) -> bytes:
    return f"{PREFIX}|{place}".encode()


def is_encrypted(stored: str) -> bool:
    parts = stored.split(".", 2)
    return len(parts) == 3 and parts[0] in (PREFIX, LEGACY_PREFIX) and len(parts[1]) == 8


def key_check_problem(ring: Keyring, stored: dict[str, str], data_key_ids: set[str]) -> str | None:
    """Why the configured keys must not be used with this database, or None.

    `stored`: key id -> its sealed KEY_CHECK_TEXT (data_key_check); `data_key_ids`: key ids seen
    on stored personal values (a sample), for a database older than the check."""
    known = set(stored) | data_key_ids
    if known and not known & set(ring.by_id):
        return (
            "READINESS_DATA_KEYS holds none of the keys the stored personal data was encrypted "
            f"with (key ids {', '.join(sorted(known))}); starting would write under a wrong key."
        )
    for key_id, sealed in stored.items():
        if key_id in ring.by_id and not ring.opens_key_check(key_id, sealed):
            return f"the configured data key with id {key_id} does not open its key check."
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_phone(e164: str) -> str:
    return e164.strip()

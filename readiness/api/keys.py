"""API keys: shown once when made, kept only as a SHA-256 hash, looked up by that hash."""

import hashlib
import secrets

KEY_PREFIX = "rdy_"
PREFIX_LENGTH = 12  # what admins see in lists and the audit trail: "rdy_" and 8 characters


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]

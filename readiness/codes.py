"""Reference codes read aloud over the phone, and the long random tokens in invitation links."""

import hashlib
import re
import secrets

# No 0/O, 1/I/L: nothing that sounds or looks like something else.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display_code(code: str) -> str:
    """K7P4QX -> K7P-4QX."""
    return f"{code[:3]}-{code[3:]}"


def normalize_code(text: str) -> str | None:
    """What the person typed, as a stored code; None if it cannot be one."""
    cleaned = re.sub(r"[\s\-_.]", "", text or "").upper()
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are looked up by their hash: the database never holds a usable link."""
    return hashlib.sha256(token.encode()).hexdigest()

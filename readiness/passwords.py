"""Staff password hashing (argon2) and generation."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

hasher = PasswordHasher()

# Verified against when the email is unknown, so a wrong email costs the same time as a
# wrong password and the answer does not tell which one it was.
UNKNOWN_USER_HASH = hasher.hash(secrets.token_urlsafe(16))

MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return hasher.verify(password_hash or UNKNOWN_USER_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A password a person can type: 4 groups of 5 letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))

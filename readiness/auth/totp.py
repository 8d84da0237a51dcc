"""Two-factor for password sign-in: TOTP (RFC 6238, pyotp) and recovery codes. No Flask here.

A code is 6 digits for a 30-second step; one step either side is accepted for clock drift, and
a step once used is refused after (the caller keeps the last one), so an overheard code cannot
be replayed. Recovery codes are shown once and kept as argon2id hashes, like passwords.
"""

import hmac
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .. import qr_code

DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# argon2id as for passwords, with OWASP's minimum parameters (19 MiB, 2 passes) rather than
# argon2-cffi's defaults (64 MiB, 3 passes): a recovery code is 50 random bits, not a chosen
# password, and a person's ten codes are hashed (and may be checked) one after the other.
RECOVERY_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def new_secret() -> str:
    """160 random bits in base32, as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str, title: str) -> str:
    """The otpauth URI as an inline SVG QR code."""
    return qr_code.svg(uri, title, "totp-qr")


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def is_code_shaped(text: str) -> bool:
    return len(text) == DIGITS and text.isdigit()


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step a code belongs to (within the drift allowed), or None.

    A step at or before `last_step` was already used and is refused.
    """
    code = code.strip().replace(" ", "")
    if not is_code_shaped(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        expected = totp.generate_otp(step)
        if hmac.compare_digest(expected, code) and (last_step is None or step > last_step):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Codes a person can type: two groups of five letters and digits (about 50 bits)."""

    def group() -> str:
        return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(5))

    return [f"{group()}-{group()}" for _ in range(count)]


def normalise_recovery_code(text: str) -> str:
    compact = "".join(ch for ch in text.lower() if ch.isalnum())
    return f"{compact[:5]}-{compact[5:]}" if len(compact) == 10 else ""


def hash_recovery_code(code: str) -> str:
    return RECOVERY_HASHER.hash(normalise_recovery_code(code))


def recovery_code_matches(code_hash: str, code: str) -> bool:
    try:
        return RECOVERY_HASHER.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def matching_recovery_code(typed: str, unused: list[tuple[int, str]]) -> int | None:
    """The id of the unused code (id, hash) that matches what was typed, or None."""
    code = normalise_recovery_code(typed)
    if not code:
        return None
    for code_id, code_hash in unused:
        if recovery_code_matches(code_hash, code):
            return code_id
    return None

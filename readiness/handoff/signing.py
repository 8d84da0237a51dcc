"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret. Pure.

The receiver recomputes the signature over the exact bytes it received and compares in constant
time; the timestamp, inside the signed text, lets it refuse an old message replayed later.
"""

import hashlib
import hmac

SCHEME = "sha256="


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Readiness-Signature value: 'sha256=' and the hex HMAC of '<timestamp>.<body>'."""
    signed = str(int(timestamp)).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return SCHEME + digest


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    given: str,
    *,
    now: float,
    tolerance_seconds: int = 300,
) -> bool:
    """True when the signature matches and the timestamp is within tolerance of now."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - sent_at) > tolerance_seconds:
        return False
    return hmac.compare_digest(signature(secret, sent_at, body), given or "")

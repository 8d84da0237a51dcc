"""Webhook signatures: HMAC-SHA256 with the shared secret. Pure.

Two signatures ride on each POST. `X-Readiness-Signature` covers "<timestamp>.<body>" (the
first contract, kept for receivers built on it). `X-Readiness-Signature-V2` also covers the
delivery id and the event, "<timestamp>\n<delivery>\n<event>\n<body>", so a receiver that
de-duplicates or routes on those headers cannot be fooled by a replay that changes them
(security review 3, F18). The newlines cannot occur in a header value, so no field can borrow
characters from the next.

The receiver recomputes a signature over the exact bytes it received and compares in constant
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


def signature_v2(secret: str, timestamp: int, delivery: str, event: str, body: bytes) -> str:
    """The X-Readiness-Signature-V2 value: 'sha256=' and the hex HMAC of
    '<timestamp>\n<delivery>\n<event>\n<body>'."""
    head = f"{int(timestamp)}\n{delivery}\n{event}\n".encode()
    digest = hmac.new(secret.encode("utf-8"), head + body, hashlib.sha256).hexdigest()
    return SCHEME + digest


def verify_v2(
    secret: str,
    headers,
    body: bytes,
    *,
    now: float,
    tolerance_seconds: int = 300,
) -> bool:
    """True when X-Readiness-Signature-V2 matches the body, the delivery id and the event
    headers, and the timestamp is within tolerance of now."""
    try:
        sent_at = int(headers.get("X-Readiness-Timestamp", ""))
    except (TypeError, ValueError):
        return False
    if abs(now - sent_at) > tolerance_seconds:
        return False
    delivery = headers.get("X-Readiness-Delivery", "")
    event = headers.get("X-Readiness-Event", "")
    if "\n" in delivery or "\n" in event:
        return False
    expected = signature_v2(secret, sent_at, delivery, event, body)
    return hmac.compare_digest(expected, headers.get("X-Readiness-Signature-V2") or "")


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

"""The deliverer: POST each due outbox message to the scheduling module, signed, in order.

One message per transaction. On PostgreSQL the message's row is locked (FOR UPDATE SKIP LOCKED)
while it is being sent, so several deliverers can run at once without ever sending a message
twice concurrently; on SQLite run a single deliverer. A message is never sent while an older
message for the same check is undelivered, so the receiver sees each check's events in order.
"""

import json
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from ..models import DeliveryAttempt, OutboxMessage, utcnow
from . import fhir
from .schedule import RetrySchedule
from .signing import signature, signature_v2

FORMATS = ("json", "fhir")
USER_AGENT = "readiness-handoff/1"


@dataclass(frozen=True)
class Settings:
    url: str
    secret: str
    format: str = "json"
    timeout_seconds: float = 10.0
    schedule: RetrySchedule = field(default_factory=RetrySchedule)
    fhir_base: str = fhir.DEFAULT_BASE

    @classmethod
    def from_config(cls, config) -> "Settings":
        url = config.get("SCHEDULING_WEBHOOK_URL")
        secret = config.get("SCHEDULING_WEBHOOK_SECRET")
        if not url or not secret:
            raise ValueError(
                "Set READINESS_SCHEDULING_WEBHOOK_URL and READINESS_SCHEDULING_WEBHOOK_SECRET."
            )
        if not str(url).startswith(("https://", "http://")):
            raise ValueError("READINESS_SCHEDULING_WEBHOOK_URL must be an http(s) URL.")
        body_format = str(config.get("SCHEDULING_WEBHOOK_FORMAT") or "json").lower()
        if body_format not in FORMATS:
            raise ValueError("READINESS_SCHEDULING_WEBHOOK_FORMAT must be json or fhir.")
        return cls(
            url=str(url),
            secret=str(secret),
            format=body_format,
            timeout_seconds=float(config["SCHEDULING_WEBHOOK_TIMEOUT_SECONDS"]),
            schedule=RetrySchedule.from_config(config),
            fhir_base=str(config["FHIR_BASE_URL"]),
        )


@dataclass
class Response:
    status_code: int | None
    error: str | None


@dataclass
class Report:
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we do not follow: the body and signature are for this URL."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def post(url: str, body: bytes, headers: dict, timeout: float) -> Response:
    """POST with the standard library; any 2xx is a delivery. Never records the answer's body."""
    # Settings.from_config accepts only http(s) URLs.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with OPENER.open(request, timeout=timeout) as answer:
            answer.read(1024)
            return Response(answer.status, None)
    except urllib.error.HTTPError as error:
        return Response(error.code, f"HTTP {error.code}")
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        return Response(None, f"{type(error).__name__}: {reason}"[:500])


def render(payload: dict, settings: Settings) -> tuple[bytes, str]:
    """The body for a stored message, in the configured format, and its content type."""
    if settings.format == "fhir":
        document = fhir.bundle_for_message(payload, base=settings.fhir_base)
        content_type = "application/fhir+json"
    else:
        document = payload
        content_type = "application/json"
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return body.encode("utf-8"), content_type


def signed_headers(message: OutboxMessage, body: bytes, content_type: str, secret: str) -> dict:
    timestamp = int(time.time())
    return {
        "Content-Type": content_type,
        "User-Agent": USER_AGENT,
        "X-Readiness-Event": message.event_type,
        "X-Readiness-Delivery": message.delivery_id,
        "X-Readiness-Timestamp": str(timestamp),
        "X-Readiness-Signature": signature(secret, timestamp, body),
        "X-Readiness-Signature-V2": signature_v2(
            secret, timestamp, message.delivery_id, message.event_type, body
        ),
    }


def due_query(now: datetime, locking: bool):
    """The oldest due message that no older undelivered message of the same check holds back."""
    older = aliased(OutboxMessage)
    held_back = exists().where(
        older.check_id == OutboxMessage.check_id,
        older.id < OutboxMessage.id,
        older.delivered_at.is_(None),
    )
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.delivered_at.is_(None),
            OutboxMessage.gave_up_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            ~held_back,
        )
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    if locking:
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    return query


def attempt(
    session: Session,
    message: OutboxMessage,
    settings: Settings,
    *,
    send=post,
    rng: random.Random | None = None,
) -> bool:
    """Send one message and record the attempt; the caller commits. True when delivered."""
    started = time.monotonic()
    try:
        body, content_type = render(message.payload, settings)
    except (KeyError, TypeError, ValueError) as error:
        # A body we cannot build is a failed attempt like any other: it is retried, then
        # shown to admins, and the deliverer goes on with the other checks' messages.
        response = Response(None, f"Could not build the body: {type(error).__name__}")
    else:
        headers = signed_headers(message, body, content_type, settings.secret)
        response = send(settings.url, body, headers, settings.timeout_seconds)
    duration_ms = int((time.monotonic() - started) * 1000)
    now = utcnow()
    delivered = response.error is None and 200 <= (response.status_code or 0) < 300
    error = None if delivered else (response.error or f"HTTP {response.status_code}")
    session.add(
        DeliveryAttempt(
            message_id=message.id,
            at=now,
            status_code=response.status_code,
            error=error,
            duration_ms=duration_ms,
        )
    )
    message.attempts += 1
    message.last_error = error
    if delivered:
        message.delivered_at = now
        return True
    following = settings.schedule.next_attempt(message.created_at, message.attempts, now, rng)
    if following is None:
        message.gave_up_at = now
    else:
        message.next_attempt_at = following
    return False


def deliver_due(
    session: Session,
    settings: Settings,
    *,
    limit: int = 500,
    send=post,
    rng: random.Random | None = None,
) -> Report:
    """Send what is due now, once each, one transaction per message; returns what happened."""
    locking = session.get_bind().dialect.name == "postgresql"
    report = Report()
    for _ in range(limit):
        message = session.scalars(due_query(utcnow(), locking)).first()
        if message is None:
            session.rollback()
            break
        if attempt(session, message, settings, send=send, rng=rng):
            report.delivered += 1
        elif message.gave_up_at is not None:
            report.gave_up += 1
        else:
            report.failed += 1
        session.commit()
    return report


def retry_now(message: OutboxMessage) -> None:
    """An admin's "Retry now": due at once, even after the deliverer gave up."""
    message.gave_up_at = None
    message.next_attempt_at = utcnow()

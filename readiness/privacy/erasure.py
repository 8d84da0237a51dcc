"""Erasing a patient's personal data, at the end of its retention period or on request.

What is erased: contact details, desk notes, the invitation's first name, email and phone, the
clinician's free-text decision notes, and every stored webhook payload of the check (they carry
all of these). What stays, for statistics: the check's verdict and reasons, its connection
figures, device statuses, browser family, setting answers and consent decisions (which hold no
one's name or contact). The scheduling module is told through the outbox (`check.erased`).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..handoff import outbox
from ..models import (
    Check,
    ConnectionResult,
    ContactDetails,
    DeliveryAttempt,
    DeskNote,
    Invitation,
    OutboxMessage,
)

BY_RETENTION = "retention"
BY_REQUEST = "request"


@dataclass
class Erased:
    checks: int = 0
    contact_rows: int = 0
    notes: int = 0
    messages: int = 0
    invitations: int = 0


def erase_check(session: Session, check: Check, *, now: datetime, reason: str) -> Erased:
    """Erase one check's personal data and queue check.erased; the caller commits."""
    erased = Erased(checks=1)
    erased.contact_rows = count_and_delete(
        session, ContactDetails, ContactDetails.check_id == check.id
    )
    erased.notes = count_and_delete(session, DeskNote, DeskNote.check_id == check.id)
    message_ids = select(OutboxMessage.id).where(OutboxMessage.check_id == check.id)
    session.execute(delete(DeliveryAttempt).where(DeliveryAttempt.message_id.in_(message_ids)))
    erased.messages = count_and_delete(session, OutboxMessage, OutboxMessage.check_id == check.id)
    # The patient's network, even as a keyed hash, goes too (readiness.connection.media_health).
    session.execute(
        update(ConnectionResult)
        .where(ConnectionResult.check_id == check.id)
        .values(media_network=None)
    )
    check.erased_at = now
    session.flush()
    session.expire(check)
    message = outbox.enqueue(session, outbox.CHECK_ERASED, check)
    message.payload = {**message.payload, "erasure": {"reason": reason, "at": now.isoformat()}}
    return erased


def erase_invitation(session: Session, invitation: Invitation) -> bool:
    """Clear an invitation's personal fields and its decisions' notes; True if any were set."""
    had_any = any((invitation.first_name, invitation.email, invitation.phone_e164))
    invitation.first_name = None
    invitation.email = None
    invitation.phone_e164 = None
    for decision in invitation.decisions:
        if decision.note:
            decision.note = None
            had_any = True
    return had_any


def erase_patient(session: Session, check: Check, *, now: datetime, reason: str) -> Erased:
    """An erasure request names one check; the patient's data is erased wherever it is: every
    check of the same invitation, and the invitation itself."""
    total = Erased()
    # The invitation first: each check.erased message shows the check as it is left.
    if check.invitation is not None and erase_invitation(session, check.invitation):
        total.invitations += 1
    checks = check.invitation.checks if check.invitation else [check]
    for each in checks:
        if each.erased_at is None:
            add(total, erase_check(session, each, now=now, reason=reason))
    return total


def count_and_delete(session: Session, model, condition) -> int:
    ids = session.scalars(select(model.id).where(condition)).all()
    if ids:
        session.execute(delete(model).where(model.id.in_(ids)))
    return len(ids)


def add(total: Erased, part: Erased) -> None:
    for name in ("checks", "contact_rows", "notes", "messages", "invitations"):
        setattr(total, name, getattr(total, name) + getattr(part, name))

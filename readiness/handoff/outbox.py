"""The outbox: a message for the scheduling module, written in the same transaction as its change.

Callers add their change, call enqueue(...) and commit once: the change and its message are
stored together or not at all. The deliverer (readiness.handoff.deliver) sends them later.
"""

from sqlalchemy.orm import Session

from ..models import (
    Check,
    Invitation,
    Notification,
    OutboxMessage,
    VisitDecision,
    new_public_id,
    utcnow,
)
from ..vocabulary import EventType
from . import payloads

CHECK_COMPLETED = EventType.CHECK_COMPLETED
CONSENT_RECORDED = EventType.CONSENT_RECORDED
CONTACT_CHANGED = EventType.CONTACT_CHANGED
DECISION_RECORDED = EventType.DECISION_RECORDED
CHECK_ERASED = EventType.CHECK_ERASED  # its personal data was erased (retention or request)
NOTIFICATION_SENT = EventType.NOTIFICATION_SENT  # readiness.notify sent the patient a message
NOTIFICATION_FAILED = EventType.NOTIFICATION_FAILED
EVENT_TYPES = tuple(EventType)


def enqueue(
    session: Session,
    event_type: str,
    check: Check | None,
    *,
    invitation: Invitation | None = None,
    decision: VisitDecision | None = None,
    notification: Notification | None = None,
) -> OutboxMessage:
    """Add the message for a change to the session; the caller commits it with the change.

    The payload is the check as it stands now (flush first if the change is not yet visible
    through the check's relationships).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    session.flush()
    if invitation is None and check is not None:
        invitation = check.invitation
    delivery_id = new_public_id()
    message = OutboxMessage(
        delivery_id=delivery_id,
        event_type=event_type,
        check_id=check.id if check is not None else None,
        payload=payloads.message_document(
            delivery_id=delivery_id,
            event=event_type,
            occurred_at=utcnow(),
            check=check,
            invitation=invitation,
            decision=decision,
            notification=notification,
        ),
    )
    session.add(message)
    return message


def enqueue_decision(session: Session, decision: VisitDecision) -> OutboxMessage:
    """The clinician's decision for an appointment, with its latest check (if any) as context.

    The message is ordered behind that check's earlier messages.
    """
    session.flush()
    invitation = decision.invitation
    check = invitation.checks[-1] if invitation.checks else None
    return enqueue(session, DECISION_RECORDED, check, invitation=invitation, decision=decision)

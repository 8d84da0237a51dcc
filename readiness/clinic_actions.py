"""What a clinician changes: the decision for a visit. Plain functions; the caller commits.

Every decision goes through record_decision, so the handoff to the scheduling module (an outbox
message written in the same transaction) is wired in this one place.
"""

from .audit import record
from .extensions import db
from .models import Invitation, VisitDecision

DECISION_CHOICES = ("video", "phone", "in_person")


def record_decision(
    *, invitation: Invitation, staff_id: int, choice: str, note: str | None = None
) -> VisitDecision:
    """Add the clinician's choice for the visit (a later decision replaces an earlier one)."""
    if choice not in DECISION_CHOICES:
        raise ValueError(f"unknown visit choice {choice!r}")
    decision = VisitDecision(
        invitation=invitation, staff_id=staff_id, choice=choice, note=(note or "").strip() or None
    )
    db.session.add(decision)
    db.session.flush()
    latest = invitation.checks[-1] if invitation.checks else None
    record(
        "clinic.decision",
        staff_id=staff_id,
        invitation_id=invitation.id,
        check_id=latest.id if latest else None,
        details={"choice": choice},
    )
    # The scheduling module hears of the decision here, through the handoff's outbox, once that
    # module is merged: readiness.handoff.outbox.enqueue_decision(db.session, decision).
    return decision

"""What a clinician changes: invitations and the decision for a visit.

Like every service (readiness.checks.completion says why), these add and flush; the view commits,
or rolls back when one raises.

Every decision goes through record_decision, so the handoff to the scheduling module (an outbox
message written in the same transaction) is wired in this one place.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import record
from ..checks.invitations import create_invitation
from ..extensions import db
from ..handoff.outbox import enqueue_decision
from ..models import Invitation, VisitDecision
from ..vocabulary import VisitChoice

DECISION_CHOICES = tuple(VisitChoice)


class AppointmentTaken(Exception):
    """An invitation already exists for this appointment reference."""


def invite_patient(
    *,
    appointment_ref: str,
    appointment_at: datetime,
    language: str,
    first_name: str | None,
    clinician_id: int,
    staff_id: int,
    valid_hours_after: float,
    email: str | None = None,
    phone_e164: str | None = None,
) -> tuple[Invitation, str]:
    """A clinician's invitation for one appointment; returns it with its link's token."""
    taken = select(Invitation.id).where(Invitation.appointment_ref == appointment_ref)
    if db.session.scalar(taken) is not None:
        raise AppointmentTaken(appointment_ref)
    invitation, token = create_invitation(
        appointment_ref=appointment_ref,
        appointment_at=appointment_at,
        language=language,
        valid_hours_after=valid_hours_after,
        first_name=first_name,
        clinician_id=clinician_id,
        created_by_staff_id=staff_id,
        email=email,
        phone_e164=phone_e164,
    )
    try:
        db.session.flush()
    except IntegrityError as error:  # another request took the reference in the meantime
        raise AppointmentTaken(appointment_ref) from error
    record("clinic.invitation_created", staff_id=staff_id, invitation_id=invitation.id)
    return invitation, token


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
    # The scheduling module hears of the decision in the same transaction, through the outbox.
    enqueue_decision(db.session, decision)
    return decision

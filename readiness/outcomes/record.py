"""Recording a visit's outcome: one place for every way in (clinician, desk, API).

Like the other services (readiness.checks.completion says why), this adds and flushes; the view
commits. Audited, and announced to the scheduling module through the outbox
(`visit.outcome_recorded`) in the same transaction. Recording the same outcome again changes
nothing and sends nothing: the API's PUT is idempotent.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..audit import record
from ..handoff import outbox
from ..models import Invitation, VisitOutcomeRecord, utcnow
from ..vocabulary import VisitOutcome, VisitTrouble

OUTCOMES = tuple(VisitOutcome)
TROUBLES = tuple(VisitTrouble)
# What the support desk may record when the caller says so.
DESK_OUTCOMES = (VisitOutcome.NO_SHOW, VisitOutcome.CANCELLED)
NOTE_MAX_LENGTH = 500


KEEP_NOTE = object()  # the API has no note: a PUT leaves the clinician's note as it is


class OutcomeRefused(Exception):
    """An outcome that cannot be recorded; `field` names the input at fault, `code` says why."""

    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


@dataclass
class Recorded:
    outcome: VisitOutcomeRecord
    changed: bool


def visit_has_passed(invitation: Invitation, now: datetime) -> bool:
    return invitation.appointment_at <= now


def may_record(outcome: str, invitation: Invitation, now: datetime) -> bool:
    """Only a cancellation may be recorded before the appointment's time."""
    return outcome == VisitOutcome.CANCELLED or visit_has_passed(invitation, now)


def clean_trouble(trouble) -> list[str]:
    """The trouble words in the vocabulary's order, each once; refuses an unknown word."""
    words = set(trouble or [])
    unknown = words - set(TROUBLES)
    if unknown:
        raise OutcomeRefused("trouble", "unknown_trouble")
    return [word.value for word in TROUBLES if word in words]


def record_outcome(
    session: Session,
    invitation: Invitation,
    *,
    outcome: str,
    trouble=(),
    note: str | None | object = KEEP_NOTE,
    recorded_at: datetime | None = None,
    staff_id: int | None = None,
    api_key_id: int | None = None,
    now: datetime | None = None,
) -> Recorded:
    """Record (or correct) the appointment's outcome; raises OutcomeRefused."""
    now = now or utcnow()
    if outcome not in OUTCOMES:
        raise OutcomeRefused("outcome", "unknown_outcome")
    troubles = clean_trouble(trouble)
    if not may_record(outcome, invitation, now):
        raise OutcomeRefused("outcome", "before_appointment")
    found = invitation.visit_outcome
    if note is KEEP_NOTE:
        note = found.note if found is not None else None
    else:
        note = (note or "").strip()[:NOTE_MAX_LENGTH] or None
    if found is not None and (found.outcome, list(found.trouble or []), found.note) == (
        outcome,
        troubles,
        note,
    ):
        return Recorded(found, changed=False)
    if found is None:
        found = VisitOutcomeRecord(invitation=invitation, outcome=outcome)
        session.add(found)
    found.outcome = outcome
    found.trouble = troubles
    found.note = note
    found.recorded_at = recorded_at or now
    found.staff_id = staff_id
    found.api_key_id = api_key_id
    found.updated_at = now
    session.flush()
    latest = invitation.checks[-1] if invitation.checks else None
    record(
        "visit.outcome_recorded",
        staff_id=staff_id,
        api_key_id=api_key_id,
        invitation_id=invitation.id,
        check_id=latest.id if latest else None,
        details={"outcome": outcome, "trouble": troubles},
    )
    outbox.enqueue(session, outbox.VISIT_OUTCOME_RECORDED, latest, invitation=invitation)
    return Recorded(found, changed=True)

"""Finishing a check: one rule, whether the patient finishes online or the support desk by phone.

A check is finished once it has what a patient's own check ends with (a consent answer and
contact details), or once the desk has recorded that the visit will be by phone. Finishing gives
it its verdict and reasons, its outcome, its completion time (the first one; later changes keep
it), an audit event and, for the scheduling module, a check.completed message whenever the check
is finished for the first time or its verdict or outcome changes.

Transactions, the same everywhere in the application: services (this module, desk.actions,
clinic.actions) add their change, its audit events and its outbox messages to the session and
flush; they never commit. The view that called them commits once, so a change, its audit and its
message are stored together or not at all.
"""

from ..audit import record
from ..extensions import db
from ..handoff import outbox
from ..models import Check, utcnow
from ..vocabulary import ConsentDecision, Outcome
from . import overall, state

NO_DEVICE_PHONE_VISIT = Outcome.NO_DEVICE_PHONE_VISIT
CONSENT_DECLINED = Outcome.CONSENT_DECLINED

COMPLETED = "completed"
CHANGED = "changed"


def outcome_for(check: Check) -> str | None:
    """What the visit's outcome already is: the desk's phone visit stays, a declined consent
    is one, and an outcome that only came from a consent since agreed to is lifted."""
    if check.outcome == NO_DEVICE_PHONE_VISIT:
        return NO_DEVICE_PHONE_VISIT
    consent = state.latest_consent(check)
    if consent is not None and consent.decision == ConsentDecision.DECLINED:
        return CONSENT_DECLINED
    if check.outcome == CONSENT_DECLINED:
        return None
    return check.outcome


def verdict_for(check: Check, outcome: str | None) -> str | None:
    """The verdict once the check is complete; None while it is not."""
    if outcome == NO_DEVICE_PHONE_VISIT:
        return overall.NOT_READY
    if state.latest_consent(check) is None or state.latest_contact(check) is None:
        return None
    return state.final_verdict(check)


def finish_if_complete(
    check: Check,
    *,
    staff_id: int | None = None,
    outcome: str | None = None,
    event: str | None = None,
) -> str | None:
    """Give the check its verdict and outcome once it is complete, and hand it on.

    outcome: an outcome the caller records now (the desk's phone visit), else the check's own.
    event: the outbox event for the caller's own change (consent.recorded, contact.changed),
    enqueued before check.completed so the scheduling module hears them in order.
    Returns COMPLETED when the check is finished for the first time, CHANGED when its verdict or
    outcome changed, None otherwise. Adds to the session; the caller commits.
    """
    db.session.flush()
    previous = (check.verdict, check.outcome)
    if outcome is not None:
        check.outcome = outcome
    check.touch()
    verdict = verdict_for(check, check.outcome)
    result = None
    if verdict is not None:
        newly = check.completed_at is None
        check.outcome = outcome_for(check)
        check.verdict = verdict
        check.verdict_reasons = state.overall_for(check).reasons
        if newly:
            check.completed_at = utcnow()
        result = COMPLETED if newly else CHANGED if previous != (verdict, check.outcome) else None
    if event is not None:
        outbox.enqueue(db.session, event, check)
    if result is not None:
        record(
            "check.completed",
            staff_id=staff_id,
            check_id=check.id,
            details={"verdict": verdict, "by": "desk" if staff_id else "patient"},
        )
        outbox.enqueue(db.session, outbox.CHECK_COMPLETED, check)
    return result

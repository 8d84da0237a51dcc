"""Every change the support desk makes to a caller's check, in one place.

Each action adds its change, its audit event and its message for the scheduling module (the
outbox) to the session and commits them together, as the patient's own steps do:

- record_verbal_consent: consent.recorded, and check.completed when it completes the check;
- correct_contact: check.completed when it completes the check, contact.changed when the check
  was already finished (before that, the details go with check.completed);
- record_phone_outcome: check.completed when it completes the check or changes its outcome or
  verdict;
- add_note: nothing (notes are the desk's own).

Nothing here deletes: a correction adds a row, and the audit trail keeps what came before.
"""

from ..audit import record
from ..checks import overall, state
from ..checks.consent import ConsentText
from ..extensions import db
from ..handoff import outbox
from ..models import Check, ConsentRecord, ContactDetails, DeskNote, utcnow
from ..patient.session_check import start_check

VERBAL_DESK = "verbal_desk"
NO_DEVICE_PHONE_VISIT = "no_device_phone_visit"
CONSENT_DECLINED = "consent_declined"
CONTACT_FIELDS = ("email", "mobile_e164", "backup_e164", "preferred_language", "preferred_contact")


def record_lookup(
    staff_id: int, checks: list[Check], by: str, fingerprint: str | None = None
) -> None:
    """Who looked which check up, how; a search that found nothing is recorded too, with a keyed
    hash of what was searched (search_fingerprint), never the value."""
    for check in checks:
        record("desk.lookup", staff_id=staff_id, check_id=check.id, details={"by": by})
    if not checks:
        details = {"by": by, "found": 0}
        if fingerprint:
            details["searched"] = fingerprint
        record("desk.lookup", staff_id=staff_id, details=details)
    db.session.commit()


def start_for_caller(language: str, staff_id: int) -> Check:
    """A new check whose code the agent reads to the caller."""
    check = start_check(language, started_by_staff_id=staff_id)
    db.session.flush()
    record(
        "desk.check_started", staff_id=staff_id, check_id=check.id, details={"language": language}
    )
    db.session.commit()
    return check


def record_verbal_consent(
    check: Check, staff_id: int, decision: str, text: ConsentText
) -> ConsentRecord:
    """The caller's answer to the consent text the agent read aloud."""
    consent = ConsentRecord(
        check=check,
        decision=decision,
        text_version=text.version,
        language=text.language,
        text_sha256=text.sha256,
        method=VERBAL_DESK,
        staff_id=staff_id,
        given_at=utcnow(),
    )
    db.session.add(consent)
    record(
        "consent.recorded",
        staff_id=staff_id,
        check_id=check.id,
        details={"decision": decision, "method": VERBAL_DESK, "text_version": text.version},
    )
    finished = finish_if_complete(check, staff_id)
    outbox.enqueue(db.session, outbox.CONSENT_RECORDED, check)
    if finished == "completed":
        outbox.enqueue(db.session, outbox.CHECK_COMPLETED, check)
    db.session.commit()
    return consent


def correct_contact(check: Check, staff_id: int, values: dict) -> ContactDetails:
    """New contact details from the caller; any earlier row stays as it was.

    values: as readiness.contacts.check_contact_details returns them.
    """
    previous = state.latest_contact(check)
    was_finished = check.completed_at is not None
    details = ContactDetails(
        check=check,
        email=values["email"],
        mobile_e164=values["mobile"],
        backup_e164=values["backup"],
        preferred_language=values["preferred_language"],
        preferred_contact=values["preferred_contact"],
        entered_by_staff_id=staff_id,
        created_at=utcnow(),
    )
    db.session.add(details)
    if previous is None:
        record("contact.saved", staff_id=staff_id, check_id=check.id, details={"by": "desk"})
    else:
        # Which fields changed, never their values: the earlier row keeps those.
        changed = [
            name for name in CONTACT_FIELDS if getattr(previous, name) != getattr(details, name)
        ]
        record(
            "contact.corrected",
            staff_id=staff_id,
            check_id=check.id,
            details={"previous_id": previous.id, "changed": changed},
        )
    finished = finish_if_complete(check, staff_id)
    if finished == "completed":
        outbox.enqueue(db.session, outbox.CHECK_COMPLETED, check)
    elif was_finished:
        outbox.enqueue(db.session, outbox.CONTACT_CHANGED, check)
    db.session.commit()
    return details


def record_phone_outcome(check: Check, staff_id: int) -> None:
    """No suitable device: the visit will be by phone."""
    previous = check.outcome
    check.outcome = NO_DEVICE_PHONE_VISIT
    record(
        "desk.outcome_recorded",
        staff_id=staff_id,
        check_id=check.id,
        details={"outcome": NO_DEVICE_PHONE_VISIT, "previous": previous},
    )
    if finish_if_complete(check, staff_id) or previous != NO_DEVICE_PHONE_VISIT:
        outbox.enqueue(db.session, outbox.CHECK_COMPLETED, check)
    db.session.commit()


def add_note(check: Check, staff_id: int, text: str) -> DeskNote:
    note = DeskNote(check=check, staff_id=staff_id, text=text.strip(), created_at=utcnow())
    db.session.add(note)
    db.session.flush()
    record("desk.note_added", staff_id=staff_id, check_id=check.id, details={"note_id": note.id})
    check.touch()
    db.session.commit()
    return note


def finish_if_complete(check: Check, staff_id: int) -> str | None:
    """Give the check its verdict once the desk has what a patient's own check ends with.

    A phone-visit outcome settles it as not ready; otherwise a consent answer and contact
    details, with a verdict from the results (a declined consent is not ready). Returns
    "completed" when the check is complete for the first time, "changed" when its verdict
    changed, None otherwise.
    """
    db.session.flush()
    phone = check.outcome == NO_DEVICE_PHONE_VISIT
    consent = state.latest_consent(check)
    if phone:
        verdict = overall.NOT_READY
    elif consent is not None and state.latest_contact(check) is not None:
        verdict = state.final_verdict(check)
        if consent.decision == "declined":
            check.outcome = CONSENT_DECLINED
        elif check.outcome == CONSENT_DECLINED:
            check.outcome = None
    else:
        verdict = None
    check.touch()
    if verdict is None:
        return None
    newly = check.completed_at is None
    changed = verdict != check.verdict
    check.verdict = verdict
    check.verdict_reasons = state.overall_for(check).reasons
    if newly:
        check.completed_at = utcnow()
    if newly or changed:
        record(
            "check.completed",
            staff_id=staff_id,
            check_id=check.id,
            details={"verdict": verdict, "by": "desk"},
        )
    return "completed" if newly else "changed" if changed else None

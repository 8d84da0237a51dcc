"""Every change the support desk makes to a caller's check, in one place.

Each action adds its change, its audit event and its message for the scheduling module (the
outbox) to the session; the view commits them together (readiness.checks.completion says why).
A check is finished by the same rule as the patient's own (completion.finish_if_complete):

- record_verbal_consent: consent.recorded, and check.completed when it completes the check or
  changes its verdict;
- correct_contact: check.completed when it completes the check, contact.changed when the check
  was already finished (before that, the details go with check.completed);
- record_phone_outcome: check.completed when it completes the check or changes its outcome or
  verdict;
- add_note: nothing (notes are the desk's own).

Nothing here deletes: a correction adds a row, and the audit trail keeps what came before.
"""

from datetime import timedelta

from sqlalchemy import select

from ..audit import record
from ..checks import state
from ..checks.completion import NO_DEVICE_PHONE_VISIT, finish_if_complete
from ..checks.consent import ConsentText
from ..extensions import db
from ..handoff import outbox
from ..models import AuditEvent, Check, ConsentRecord, ContactDetails, DeskNote, utcnow
from ..patient.session_check import start_check
from ..vocabulary import ConsentMethod

VERBAL_DESK = ConsentMethod.VERBAL_DESK
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


def read_lately(staff_id: int, check: Check, now, seconds: float = 60) -> bool:
    """Whether this agent's reading of this check is already in the audit this past minute."""
    return (
        db.session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.action == "desk.lookup",
                AuditEvent.staff_id == staff_id,
                AuditEvent.check_id == check.id,
                AuditEvent.at >= now - timedelta(seconds=seconds),
            )
            .limit(1)
        )
        is not None
    )


def start_for_caller(language: str, staff_id: int) -> Check:
    """A new check whose code the agent reads to the caller."""
    check = start_check(language, started_by_staff_id=staff_id)
    db.session.flush()
    record(
        "desk.check_started", staff_id=staff_id, check_id=check.id, details={"language": language}
    )
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
    finish_if_complete(check, staff_id=staff_id, event=outbox.CONSENT_RECORDED)
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
    # Before the check is finished, the details go with check.completed.
    finish_if_complete(
        check, staff_id=staff_id, event=outbox.CONTACT_CHANGED if was_finished else None
    )
    return details


def record_phone_outcome(check: Check, staff_id: int) -> None:
    """No suitable device: the visit will be by phone."""
    record(
        "desk.outcome_recorded",
        staff_id=staff_id,
        check_id=check.id,
        details={"outcome": NO_DEVICE_PHONE_VISIT, "previous": check.outcome},
    )
    finish_if_complete(check, staff_id=staff_id, outcome=NO_DEVICE_PHONE_VISIT)


def add_note(check: Check, staff_id: int, text: str) -> DeskNote:
    note = DeskNote(check=check, staff_id=staff_id, text=text.strip(), created_at=utcnow())
    db.session.add(note)
    db.session.flush()
    record("desk.note_added", staff_id=staff_id, check_id=check.id, details={"note_id": note.id})
    check.touch()
    return note

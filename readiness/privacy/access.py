"""Everything kept about one patient, for an access request (Law 25, PIPEDA): a JSON document."""

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..handoff.payloads import check_document, invitation_document, iso
from ..models import AuditEvent, Check


def patient_data(session: Session, check: Check, now: datetime) -> dict:
    """The check named (and the others of the same invitation), every contact row, note,
    consent and decision, and who read or changed them (the audit entries, without hashes)."""
    invitation = check.invitation
    checks = invitation.checks if invitation else [check]
    check_ids = [each.id for each in checks]
    condition = AuditEvent.check_id.in_(check_ids)
    if invitation is not None:
        condition = or_(condition, AuditEvent.invitation_id == invitation.id)
    accesses = session.scalars(select(AuditEvent).where(condition).order_by(AuditEvent.id))
    invitation_part = None
    if invitation is not None:
        invitation_part = invitation_document(invitation)
        invitation_part["decisions"] = [
            {"choice": d.choice, "note": d.note, "decided_at": iso(d.decided_at)}
            for d in invitation.decisions
        ]
    return {
        "exported_at": iso(now),
        "requested_check": check.public_id,
        "invitation": invitation_part,
        "checks": [check_part(each) for each in checks],
        "audit": [
            {
                "at": iso(entry.at),
                "action": entry.action,
                "staff_id": entry.staff_id,
                "api_key_id": entry.api_key_id,
                "check_id": next((c.public_id for c in checks if c.id == entry.check_id), None),
            }
            for entry in accesses
        ],
    }


def check_part(check: Check) -> dict:
    document = check_document(check)
    document["erased_at"] = iso(check.erased_at)
    document["contact_history"] = [
        {
            "email": row.email,
            "mobile": row.mobile_e164,
            "backup_phone": row.backup_e164,
            "preferred_language": row.preferred_language,
            "preferred_contact": row.preferred_contact,
            "entered_by_staff_id": row.entered_by_staff_id,
            "saved_at": iso(row.created_at),
        }
        for row in check.contact_details
    ]
    document["consent_history"] = [
        {
            "decision": row.decision,
            "method": row.method,
            "text_version": row.text_version,
            "language": row.language,
            "staff_id": row.staff_id,
            "given_at": iso(row.given_at),
        }
        for row in check.consent_records
    ]
    document["desk_notes"] = [
        {"text": note.text, "staff_id": note.staff_id, "written_at": iso(note.created_at)}
        for note in check.notes
    ]
    return document

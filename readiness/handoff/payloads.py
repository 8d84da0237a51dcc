"""What the scheduling module is told: a check, an invitation, a decision, as plain JSON data.

The same documents answer the API and fill the webhooks, so both say the same thing. These take
model objects and return dicts; they do not import Flask. Every date is ISO 8601 with an offset.
"""

from datetime import datetime

from ..checks import state
from ..models import (
    Check,
    Invitation,
    Notification,
    StaffUser,
    VisitDecision,
    VisitOutcomeRecord,
)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def staff_document(staff: StaffUser | None) -> dict | None:
    if staff is None:
        return None
    return {"id": staff.id, "name": staff.display_name or f"Staff member {staff.id}"}


def appointment_document(invitation: Invitation | None) -> dict | None:
    """The appointment a check belongs to, as the scheduling module knows it."""
    if invitation is None:
        return None
    return {
        "invitation_id": invitation.public_id,
        "appointment_ref": invitation.appointment_ref,
        "appointment_at": iso(invitation.appointment_at),
        "visit_outcome": visit_outcome_document(invitation.visit_outcome),
    }


def visit_outcome_document(outcome: VisitOutcomeRecord | None) -> dict | None:
    """How the visit went (readiness.outcomes), once someone recorded it."""
    if outcome is None:
        return None
    return {
        "outcome": outcome.outcome,
        "trouble": list(outcome.trouble or []),
        "note": outcome.note,
        "recorded_at": iso(outcome.recorded_at),
        "recorded_by": staff_document(outcome.staff),
    }


def connection_document(check: Check) -> dict | None:
    result = state.latest_connection(check)
    if result is None:
        return None
    return {
        "download_mbps": result.download_mbps,
        "upload_mbps": result.upload_mbps,
        "latency_ms": result.latency_ms,
        "jitter_ms": result.jitter_ms,
        "loaded_latency_down_ms": result.loaded_latency_down_ms,
        "loaded_latency_up_ms": result.loaded_latency_up_ms,
        "expected_quality": result.expected_quality,
        "media_route": result.media_route,
        "packet_loss_percent": result.packet_loss_percent,
        "packet_loss_up_percent": result.media_loss_up_percent,
        "packet_loss_down_percent": result.media_loss_down_percent,
        "media_rtt_ms": result.media_rtt_ms,
        "media_jitter_ms": result.media_jitter_ms,
        "media_connect_ms": result.media_connect_ms,
        "platform_reachable": result.platform_reachable,
        "verdict": result.verdict,
        "reasons": list(result.reasons or []),
        "failure": result.failure,
        "measured_at": iso(result.created_at),
    }


def devices_document(check: Check) -> list[dict]:
    return [
        {
            "kind": kind,
            "status": result.status,
            "reason": result.reason,
            "checked_at": iso(result.created_at),
        }
        for kind, result in sorted(state.latest_devices(check).items())
    ]


def setting_document(check: Check) -> dict | None:
    answers = state.latest_setting(check)
    if answers is None:
        return None
    return {
        "private_place": answers.private_place,
        "public_wifi": answers.public_wifi,
        "phone_at_hand": answers.phone_at_hand,
        "headset": answers.headset,
        "answered_at": iso(answers.created_at),
    }


def consent_document(check: Check) -> dict | None:
    consent = state.latest_consent(check)
    if consent is None:
        return None
    return {
        "decision": consent.decision,
        "method": consent.method,
        "text_version": consent.text_version,
        "text_sha256": consent.text_sha256,
        "language": consent.language,
        "given_at": iso(consent.given_at),
        "recorded_by": staff_document(consent.staff),
    }


def contact_document(check: Check) -> dict | None:
    contact = state.latest_contact(check)
    if contact is None:
        return None
    return {
        "email": contact.email,
        "mobile": contact.mobile_e164,
        "backup_phone": contact.backup_e164,
        "preferred_language": contact.preferred_language,
        "preferred_contact": contact.preferred_contact,
        "entered_by_staff": contact.entered_by_staff_id is not None,
        "updated_at": iso(contact.created_at),
    }


def check_document(check: Check) -> dict:
    """Everything the scheduling module may know about a check, as it stands now."""
    overall = state.overall_for(check)
    invitation = check.invitation
    return {
        "id": check.public_id,
        "reference_code": check.reference_code,
        "language": check.language,
        "step": check.step,
        "completed": check.completed_at is not None,
        "verdict": check.verdict if check.completed_at else state.final_verdict(check),
        "reasons": list(check.verdict_reasons or []) if check.completed_at else overall.reasons,
        "outcome": check.outcome,
        "missing": overall.missing,
        "missing_devices": overall.missing_devices,
        "created_at": iso(check.created_at),
        "updated_at": iso(check.updated_at),
        "completed_at": iso(check.completed_at),
        "appointment": appointment_document(invitation),
        "patient": {"first_name": invitation.first_name if invitation else None},
        "connection": connection_document(check),
        "devices": devices_document(check),
        "setting": setting_document(check),
        "consent": consent_document(check),
        "contact": contact_document(check),
    }


def decision_document(decision: VisitDecision) -> dict:
    return {
        "choice": decision.choice,
        "note": decision.note,
        "decided_at": iso(decision.decided_at),
        "clinician": staff_document(decision.staff),
    }


def invitation_document(invitation: Invitation, url: str | None = None) -> dict:
    """The invitation as the API answers it; the link only when it was just made (see the API)."""
    return {
        "id": invitation.public_id,
        "appointment_ref": invitation.appointment_ref,
        "appointment_at": iso(invitation.appointment_at),
        "language": invitation.language,
        "time_zone": invitation.time_zone,
        "first_name": invitation.first_name,
        "email": invitation.email,
        "phone": invitation.phone_e164,
        "code": invitation.code,
        "url": url,
        "expires_at": iso(invitation.expires_at),
        "created_at": iso(invitation.created_at),
        "revoked_at": iso(invitation.revoked_at),
        "check_ids": [check.public_id for check in invitation.checks],
        "messages": [notification_document(item) for item in invitation.notifications],
    }


def notification_document(notification: Notification) -> dict:
    """A message the service sent the patient (or failed to): never its address or words."""
    return {
        "id": notification.public_id,
        "channel": notification.channel,
        "kind": notification.kind,
        "status": notification.status,
        "error": notification.last_error,
        "attempts": notification.attempts,
        "sent_at": iso(notification.sent_at),
        "finished_at": iso(notification.finished_at),
    }


def message_document(
    *,
    delivery_id: str,
    event: str,
    occurred_at: datetime,
    check: Check | None,
    invitation: Invitation | None,
    decision: VisitDecision | None = None,
    notification: Notification | None = None,
) -> dict:
    """The JSON webhook body: the event, and the check as it stood when it happened."""
    document = {
        "delivery_id": delivery_id,
        "event": event,
        "occurred_at": iso(occurred_at),
        "appointment": appointment_document(invitation),
        "check": check_document(check) if check is not None else None,
        "decision": decision_document(decision) if decision is not None else None,
    }
    if notification is not None:
        document["notification"] = notification_document(notification)
    return document

"""The audit trail in words: a label for each action code and each detail, in the reader's
language, for the admin page and its CSV. The codes stay in the database (the hash covers them);
people read these. An action or detail this table does not know (one added later) is shown as
its code, marked as such, never hidden.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_babel import pgettext

from ..handoff import event_labels, outbox
from ..notify import status_words

ACTIONS = {
    # Staff accounts and sign-in
    "staff.sign_in": _l("Signed in"),
    "staff.sign_in_failed": _l("Failed sign-in"),
    "staff.sign_out": _l("Signed out"),
    "staff.created": _l("Account created"),
    "staff.site_changed": _l("Staff member's site changed"),
    "selfcheck.created": _l("Clinician's setup check started"),
    "staff.disabled": _l("Account disabled"),
    "staff.password_changed": _l("Password changed"),
    "staff.signed_out_everywhere": _l("Signed out of every session"),
    "staff.sso_refused": _l("Single sign-on refused"),
    "staff.role_changed": _l("Role changed"),
    "staff.totp_enrolled": _l("Two-step verification turned on"),
    "staff.totp_reset": _l("Two-step verification reset"),
    "staff.recovery_code_used": _l("Recovery code used"),
    "staff.unlocked": _l("Sign-in unlocked for every address"),
    # Patients
    "code.failed": _l("Code refused"),
    "code.refused": _l("Code refused (too many tries on the service)"),
    "connection.measured": _l("Connection test recorded"),
    "handover.created": _l("Link to continue on a phone created"),
    "handover.used": _l("Check continued on a phone (link used)"),
    "handover.refused": _l("Link to continue on a phone refused (used or expired)"),
    "contact.saved": _l("Contact details saved"),
    "contact.corrected": _l("Contact details corrected"),
    "consent.recorded": event_labels.LABELS[outbox.CONSENT_RECORDED],
    "check.completed": event_labels.LABELS[outbox.CHECK_COMPLETED],
    # Support desk
    "desk.lookup": _l("Search for a check (support desk)"),
    "desk.check_started": _l("Check started for a caller (support desk)"),
    "desk.note_added": _l("Note added (support desk)"),
    "desk.outcome_recorded": _l("Phone visit recorded (no suitable device)"),
    "desk.outreach_call": _l("Call before the visit recorded (support desk)"),
    "visit.outcome_recorded": _l("How the visit went recorded"),
    "desk.outreach_contact_viewed": _l("Number to call viewed (support desk)"),
    # Clinicians
    "clinic.view_list": _l("List of appointments viewed"),
    "clinic.view_patient": _l("A person's record viewed"),
    "clinic.decision": _l("Decision on how the visit happens"),
    "clinic.invitation_created": _l("Invitation created"),
    # Administration
    "admin.lookup": _l("Search for a check (access or erasure request)"),
    "admin.exported": _l("A person's data exported"),
    "admin.erased": _l("Personal data erased on request"),
    "admin.audit_exported": _l("Audit trail exported (CSV)"),
    "handoff.retry": _l("Message to the scheduling module sent again"),
    # Messages the service sends itself
    "notify.attempt": _l("Invitation or reminder sent, or tried"),
    "notify.stopped": _l("Reminders stopped by the patient"),
    "notify.retry": _l("Message to the patient sent again"),
    # Scheduling module (API) and commands
    "invitation.created": _l("Invitation created (scheduling module)"),
    "api.request": _l("Request from the scheduling module"),
    "api.key_refused": _l("API key refused"),
    "api.invitation_read": _l("Invitation read (scheduling module)"),
    "api.check_read": _l("Check read (scheduling module)"),
    "apikey.created": _l("API key created"),
    "apikey.revoked": _l("API key revoked"),
    "data.purged": _l("Old data deleted (retention period)"),
    "data.key_rotated": _l("Encryption key changed"),
    "audit.purged": _l("Older audit entries deleted (retention period)"),
}

FIELDS = {
    "action": _p("audit", "action"),
    "address": _p("audit", "address"),
    "addresses": _p("audit", "locked addresses"),
    "audit_entries": _p("audit", "audit entries"),
    "break_glass": _p("audit", "break-glass account"),
    "by": _p("audit", "by"),
    "changed": _p("audit", "changed"),
    "channel": _p("audit", "by"),
    "check": _p("audit", "check"),
    "checks": _p("audit", "checks"),
    "choice": _p("audit", "choice"),
    "decision": _p("audit", "answer"),
    "delivery_id": _p("audit", "message"),
    "ended": _p("audit", "sessions ended"),
    "endpoint": _p("audit", "request"),
    "entries": _p("audit", "entries"),
    "error": _p("audit", "why"),
    "failures": _p("audit", "failures in a row"),
    "format": _p("audit", "format"),
    "found": _p("audit", "found"),
    "from": _p("audit", "from"),
    "how": _p("audit", "how"),
    "ids": _p("audit", "identifiers"),
    "invitations": _p("audit", "invitations"),
    "key_id": _p("audit", "key"),
    "kind": _p("audit", "kind"),
    "language": _p("audit", "language"),
    "last_removed_hash": _p("audit", "last hash removed"),
    "message": _p("audit", "message"),
    "messages": _p("audit", "messages"),
    "method": _p("audit", "method"),
    "name": _p("audit", "name"),
    "note_id": _p("audit", "note"),
    "outcome": _p("audit", "outcome"),
    "prefix": _p("audit", "key prefix"),
    "reason": _p("audit", "why"),
    "previous": _p("audit", "before"),
    "previous_id": _p("audit", "previous details"),
    "role": _p("audit", "role"),
    "rows": _p("audit", "rows"),
    "result": _p("audit", "call result"),
    "searched": _p("audit", "search (keyed fingerprint)"),
    "self_check": _p("audit", "setup check"),
    "sessions_ended": _p("audit", "sessions ended"),
    "staff": _p("audit", "staff member"),
    "status": _p("audit", "status"),
    "text_version": _p("audit", "consent text version"),
    "to": _p("audit", "to"),
    "trouble": _p("audit", "trouble"),
    "verdict": _p("audit", "result"),
    "why": _p("audit", "why"),
}

# Words for coded values, by the detail they belong to.
VALUES = {
    "by": {
        "patient": _p("audit", "the patient"),
        "desk": _p("audit", "the support desk"),
        "cli": _p("audit", "a command on the server"),
        "code": _p("audit", "reference code"),
        "phone": _p("audit", "phone number"),
        "email": _p("audit", "email"),
        "open": _p("audit", "opened from the list"),
        "live": _p("audit", "followed live"),
        "contact": _p("audit", "contact details form"),
        "recent": _p("audit", "shown in the recent checks"),
        "refused": _p("audit", "refused: too many searches"),
        "oidc": _p("audit", "single sign-on"),
    },
    "verdict": {
        "ready": _p("audit", "ready for video"),
        "limited": _p("audit", "video possible, limited quality"),
        "not_ready": _p("audit", "video not recommended"),
    },
    "choice": {
        "video": _p("audit", "by video"),
        "phone": _p("audit", "by phone"),
        "in_person": _p("audit", "in person"),
    },
    "format": {"html": _p("audit", "a copy the person can read (HTML)")},
    "decision": {"agreed": _p("audit", "agreed"), "declined": _p("audit", "declined")},
    "method": {
        "online": _p("audit", "online"),
        "verbal_desk": _p("audit", "verbally, to the support desk"),
        "oidc": _p("audit", "single sign-on"),
        "password": _p("audit", "password"),
        "password+totp": _p("audit", "password and two-step code"),
    },
    "outcome": {
        "no_device_phone_visit": _p("audit", "phone visit, no suitable device"),
        "consent_declined": _p("audit", "consent declined"),
        "video": _p("audit", "held on video to the end"),
        "video_then_phone": _p("audit", "started on video, finished by phone"),
        "phone": _p("audit", "by phone"),
        "in_person": _p("audit", "in person"),
        "no_show": _p("audit", "patient did not come"),
        "cancelled": _p("audit", "cancelled"),
    },
    "trouble": {
        "audio": _p("audit", "sound"),
        "picture": _p("audit", "picture"),
        "connection": _p("audit", "connection"),
        "clinician_side": _p("audit", "on the clinician's side"),
        "other": _p("audit", "other"),
    },
    "why": {
        "locked": _p("audit", "account locked"),
        "service": _p("audit", "too many tries on the service"),
        "code": _p("audit", "wrong two-step code"),
        "used": _p("audit", "link already used"),
        "expired": _p("audit", "link expired"),
    },
    "language": {
        "en": _p("in a sentence", "English"),
        "fr": _p("in a sentence", "French"),
    },
    "role": {
        "desk": _p("audit", "support desk"),
        "clinician": _p("audit", "clinician"),
        "admin": _p("audit", "admin"),
        "manager": _p("audit", "manager"),
    },
    "changed": {
        "email": _p("audit", "email"),
        "mobile_e164": _p("audit", "mobile phone"),
        "backup_e164": _p("audit", "phone to call if the video stops"),
        "preferred_language": _p("audit", "language"),
        "preferred_contact": _p("audit", "how to reach the patient"),
    },
}
VALUES["reason"] = {
    "unknown_role": _p("audit", "no role for the person's groups"),
    "wrong_domain": _p("audit", "email outside the allowed domains"),
    "no_email": _p("audit", "no confirmed email"),
    "disabled": _p("audit", "account disabled or taken"),
    "bad_token": _p("audit", "sign-in not proven (state or token refused)"),
}
VALUES["previous"] = VALUES["outcome"]
VALUES["channel"] = {"email": _p("audit", "email"), "sms": _p("audit", "text message")}
VALUES["kind"] = {
    "invitation": _p("audit", "invitation"),
    "reminder": _p("audit", "reminder"),
    "morning": _p("audit", "reminder on the morning of the visit"),
}
VALUES["status"] = {
    "pending": _p("audit", "waiting to be sent"),
    "sent": _p("audit", "sent"),
    "failed": _p("audit", "not sent"),
    "skipped": _p("audit", "not needed"),
}
VALUES["result"] = {
    "reached": _p("audit", "reached the patient"),
    "left_message": _p("audit", "left a message"),
    "no_answer": _p("audit", "no answer"),
}
VALUES["error"] = status_words.REASONS
VALUES["how"] = {
    "email_link": _p("audit", "link in an email"),
    "sms_reply": _p("audit", "STOP reply to a text message"),
}


def action_label(action: str) -> str | None:
    """The action in words, or None when this version has no words for it."""
    label = ACTIONS.get(action)
    if label is None and action in outbox.EVENT_TYPES:
        return event_labels.label(action)
    return str(label) if label is not None else None


def value_text(field: str, value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return pgettext("audit", "yes") if value else pgettext("audit", "no")
    if isinstance(value, list):
        return ", ".join(value_text(field, item) for item in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{key}={inner}" for key, inner in sorted(value.items()))
    if field == "action" and action_label(str(value)):
        return action_label(str(value))
    words = VALUES.get(field, {}).get(str(value))
    return str(words) if words is not None else str(value)


def detail_items(details) -> list[str]:
    """Each detail as « name: value », in words where this version knows them."""
    return [
        _("%(name)s: %(value)s", name=str(FIELDS.get(key, key)), value=value_text(key, value))
        for key, value in sorted((details or {}).items())
    ]


def details_text(details) -> str:
    """The details on one line, for the CSV."""
    return _("; ").join(detail_items(details)) if details else ""

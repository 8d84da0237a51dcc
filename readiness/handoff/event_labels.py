"""What each message to the scheduling module is about, in words for staff pages.

The event types (check.completed, …) are codes for the scheduling module; people read these.
"""

from flask_babel import lazy_gettext as _l

from . import outbox

LABELS = {
    outbox.CHECK_COMPLETED: _l("Check completed"),
    outbox.CONSENT_RECORDED: _l("Consent recorded"),
    outbox.CONTACT_CHANGED: _l("Contact details changed"),
    outbox.DECISION_RECORDED: _l("Decision recorded"),
    outbox.CHECK_ERASED: _l("Personal data erased"),
    outbox.NOTIFICATION_SENT: _l("Message sent to the patient"),
    outbox.NOTIFICATION_FAILED: _l("Message to the patient failed"),
}


def label(event_type: str) -> str:
    """A label for every known event; an unknown one (from a newer version) reads as a message."""
    return str(LABELS.get(event_type, _l("Message")))

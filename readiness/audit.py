"""The audit trail: one row per thing a person or system did or saw."""

from .extensions import db
from .models import AuditEvent


def record(action: str, **fields) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits with its change."""
    event = AuditEvent(action=action, **fields)
    db.session.add(event)
    return event

"""The desk's list of patients to call before their visit: upcoming visits whose patient has
not finished a check, or whose check said "not ready" or "video with limits"."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..checks import state
from ..clinic import visit_status
from ..extensions import db
from ..models import Check, Invitation

DEFAULT_DAYS = 3
MAX_DAYS = 14


@dataclass
class OutreachRow:
    invitation: Invitation
    latest: Check | None
    status: str
    reasons: list[str]

    @property
    def last_call(self):
        return self.invitation.outreach_calls[-1] if self.invitation.outreach_calls else None


def days_from(value: str | None) -> int:
    """?days=N, 1 to 14; anything else is the default."""
    if value and value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_DAYS:
        return int(value)
    return DEFAULT_DAYS


def with_everything():
    return (
        selectinload(Invitation.outreach_calls),
        selectinload(Invitation.checks).options(
            selectinload(Check.connection_results),
            selectinload(Check.device_results),
            selectinload(Check.setting_answers),
            selectinload(Check.consent_records),
            selectinload(Check.contact_details),
        ),
    )


def row_for(invitation: Invitation) -> OutreachRow:
    latest = invitation.checks[-1] if invitation.checks else None
    status = visit_status.status_for(latest)
    reasons = state.overall_for(latest).reasons if latest is not None else []
    return OutreachRow(invitation, latest, status, reasons)


def rows(now: datetime, days: int) -> list[OutreachRow]:
    """Who needs a call, soonest visit first."""
    invitations = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.appointment_at >= now,
            Invitation.appointment_at < now + timedelta(days=days),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.appointment_at, Invitation.id)
        .options(*with_everything())
    )
    found = [row_for(invitation) for invitation in invitations]
    return [row for row in found if row.status != visit_status.READY]


def number_to_call(row: OutreachRow) -> str | None:
    """The number the patient gave last (their choice of mobile or backup), else the
    invitation's."""
    contact = state.latest_contact(row.latest) if row.latest is not None else None
    if contact is not None:
        if contact.preferred_contact == "sms" and contact.mobile_e164:
            return contact.mobile_e164
        return contact.backup_e164 or contact.mobile_e164
    return row.invitation.phone_e164

"""How long personal data is kept, and the purge that enforces it (`flask data purge`).

The periods (days) come from configuration; README "Privacy" gives the defaults' reasons:

- RETENTION_CHECK_DAYS: a patient's personal data (contact details, names, notes, stored
  webhook payloads) after the later of their appointment and their last activity;
- RETENTION_OUTBOX_DAYS: a webhook message after the scheduling module received it;
- RETENTION_AUDIT_DAYS: an audit entry (which holds no personal data) after it was written.

A patient's data is one unit: an invitation with all its checks, or a check made without an
invitation. It is due when every date in it is older than the period.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session

from ..models import (
    AuditEvent,
    Check,
    ContactDetails,
    DeliveryAttempt,
    DeskNote,
    HandoverLink,
    Invitation,
    OutboxMessage,
    PatientSession,
)
from .erasure import BY_RETENTION, Erased, add, erase_check, erase_invitation

STALE_SESSION = timedelta(days=1)


@dataclass(frozen=True)
class Periods:
    check_days: float
    outbox_days: float
    audit_days: float

    @classmethod
    def from_config(cls, config) -> "Periods":
        return cls(
            check_days=float(config["RETENTION_CHECK_DAYS"]),
            outbox_days=float(config["RETENTION_OUTBOX_DAYS"]),
            audit_days=float(config["RETENTION_AUDIT_DAYS"]),
        )


@dataclass
class PurgePlan:
    invitations: list[Invitation] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)  # made without an invitation
    messages: list[int] = field(default_factory=list)  # delivered outbox messages' ids
    audit_entries: int = 0
    audit_through_id: int | None = None
    # Erased checks that still hold contact details or notes (added after an erasure, before
    # that was refused): they go at once.
    leftovers: list[int] = field(default_factory=list)


@dataclass
class PurgeReport:
    erased: Erased
    invitations: int
    messages: int
    audit_entries: int


def plan(session: Session, periods: Periods, now: datetime) -> PurgePlan:
    """What a purge at `now` removes (nothing is changed)."""
    cutoff = now - timedelta(days=periods.check_days)
    found = PurgePlan()
    recent_check = (
        select(Check.id)
        .where(Check.invitation_id == Invitation.id, Check.updated_at >= cutoff)
        .exists()
    )
    unerased_check = (
        select(Check.id)
        .where(Check.invitation_id == Invitation.id, Check.erased_at.is_(None))
        .exists()
    )
    found.invitations = list(
        session.scalars(
            select(Invitation)
            .where(
                Invitation.appointment_at < cutoff,
                Invitation.created_at < cutoff,
                ~recent_check,
                or_(
                    unerased_check,
                    Invitation.first_name.is_not(None),
                    Invitation.email.is_not(None),
                    Invitation.phone_e164.is_not(None),
                ),
            )
            .order_by(Invitation.id)
        )
    )
    found.checks = list(
        session.scalars(
            select(Check)
            .where(
                Check.invitation_id.is_(None),
                Check.erased_at.is_(None),
                Check.updated_at < cutoff,
            )
            .order_by(Check.id)
        )
    )
    found.leftovers = list(
        session.scalars(
            select(Check.id)
            .where(
                Check.erased_at.is_not(None),
                or_(
                    select(ContactDetails.id).where(ContactDetails.check_id == Check.id).exists(),
                    select(DeskNote.id).where(DeskNote.check_id == Check.id).exists(),
                ),
            )
            .order_by(Check.id)
        )
    )
    delivered_before = now - timedelta(days=periods.outbox_days)
    found.messages = list(
        session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.delivered_at < delivered_before)
        )
    )
    audit_cutoff = now - timedelta(days=periods.audit_days)
    found.audit_entries, found.audit_through_id = session.execute(
        select(func.count(AuditEvent.id), func.max(AuditEvent.id)).where(
            AuditEvent.at < audit_cutoff
        )
    ).one()
    return found


def purge(session: Session, found: PurgePlan, now: datetime) -> PurgeReport:
    """Remove what `plan` found, in one transaction per unit; the caller audits the run."""
    erased = Erased()
    invitations = 0
    for invitation in found.invitations:
        if erase_invitation(session, invitation):
            invitations += 1
        for check in invitation.checks:
            if check.erased_at is None:
                add(erased, erase_check(session, check, now=now, reason=BY_RETENTION))
        session.commit()
    for check in found.checks:
        add(erased, erase_check(session, check, now=now, reason=BY_RETENTION))
        session.commit()
    if found.leftovers:
        erased.contact_rows += session.execute(
            delete(ContactDetails).where(ContactDetails.check_id.in_(found.leftovers))
        ).rowcount
        erased.notes += session.execute(
            delete(DeskNote).where(DeskNote.check_id.in_(found.leftovers))
        ).rowcount
        session.commit()
    # Patient sessions long past their idle limit (hours), with any unconfirmed contact details.
    session.execute(delete(PatientSession).where(PatientSession.seen_at < now - STALE_SESSION))
    # Handover links ("Continue on your phone") a day past their 10 minutes: nothing to keep.
    session.execute(delete(HandoverLink).where(HandoverLink.expires_at < now - STALE_SESSION))
    session.commit()
    if found.messages:
        session.execute(
            delete(DeliveryAttempt).where(DeliveryAttempt.message_id.in_(found.messages))
        )
        session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(found.messages)))
        session.commit()
    if found.audit_entries:
        last_hash = session.scalar(
            select(AuditEvent.hash).where(AuditEvent.id == found.audit_through_id)
        )
        if session.get_bind().dialect.name == "postgresql":
            # The audit table's trigger refuses deletes unless the transaction says it purges.
            session.execute(text("SET LOCAL readiness.audit_purge = 'on'"))
        session.execute(delete(AuditEvent).where(AuditEvent.id <= found.audit_through_id))
        # Where the chain now starts: `flask audit verify` accepts it as a new beginning.
        session.add(
            AuditEvent(
                action="audit.purged",
                details={"entries": found.audit_entries, "last_removed_hash": last_hash},
            )
        )
        session.commit()
    return PurgeReport(erased, invitations, len(found.messages), found.audit_entries)

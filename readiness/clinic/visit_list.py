"""The upcoming visits a clinician sees: which invitations, their status, grouped by day."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..checks.attempts import counting_attempt
from ..extensions import db
from ..models import Check, Invitation, VisitDecision
from . import visit_status

WHEN_CHOICES = ("all", "today", "week", "past")
PAST_DAYS = 30  # how far back "past visits" and "outcome to record" look
SORT_CHOICES = ("time", "status")


@dataclass
class VisitRow:
    invitation: Invitation
    latest_check: Check | None
    status: str
    decision: VisitDecision | None
    outcome_due: bool = False  # the visit's time has passed and nobody said how it went

    @property
    def checked_at(self) -> datetime | None:
        return self.latest_check.updated_at if self.latest_check else None


@dataclass
class Filters:
    when: str = "all"
    mine: bool = False
    not_ready: bool = False
    sort: str = "time"
    to_record: bool = False  # only past visits whose outcome is to record

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Unknown values fall back to the defaults rather than failing."""
        when = args.get("when", "all")
        sort = args.get("sort", "time")
        return cls(
            when=when if when in WHEN_CHOICES else "all",
            mine=args.get("mine") == "1",
            not_ready=args.get("status") == "not_ready",
            sort=sort if sort in SORT_CHOICES else "time",
            to_record=args.get("outcome") == "to_record",
        )


def window(when: str, now: datetime) -> tuple[datetime, datetime | None]:
    """From the start of today (in now's time zone) to the end of today, of 7 days, or open;
    "past": the last 30 days up to now."""
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if when == "past":
        return start - timedelta(days=PAST_DAYS), now
    if when == "today":
        return start, start + timedelta(days=1)
    if when == "week":
        return start, start + timedelta(days=7)
    return start, None


def upcoming_rows(filters: Filters, now: datetime, staff_id: int, visible=None) -> list[VisitRow]:
    """The invitations in the window, with what is needed for their status, in few queries.

    `visible` is a WHERE clause limiting them to what this staff member may see (scope.py).
    """
    start, end = window("past" if filters.to_record else filters.when, now)
    query = (
        select(Invitation)
        .where(Invitation.appointment_at >= start, Invitation.revoked_at.is_(None))
        .options(
            selectinload(Invitation.clinician),
            selectinload(Invitation.decisions),
            selectinload(Invitation.visit_outcome),
            selectinload(Invitation.checks).options(
                selectinload(Check.connection_results),
                selectinload(Check.device_results),
                selectinload(Check.setting_answers),
                selectinload(Check.consent_records),
            ),
        )
        .order_by(Invitation.appointment_at, Invitation.appointment_ref)
    )
    if end is not None:
        query = query.where(Invitation.appointment_at < end)
    if filters.mine:
        query = query.where(Invitation.clinician_id == staff_id)
    if visible is not None:
        query = query.where(visible)
    rows = []
    for invitation in db.session.scalars(query):
        latest = counting_attempt(invitation.checks)
        decision = invitation.decisions[-1] if invitation.decisions else None
        due = invitation.appointment_at <= now and invitation.visit_outcome is None
        status = visit_status.status_for(latest)
        if filters.to_record and not due:
            continue
        rows.append(VisitRow(invitation, latest, status, decision, outcome_due=due))
    return rows


def counts(rows: list[VisitRow]) -> dict[str, int]:
    found = dict.fromkeys(visit_status.STATUSES, 0)
    for row in rows:
        found[row.status] += 1
    return found


def by_day(rows: list[VisitRow], zone, sort: str) -> list[tuple[date, list[VisitRow]]]:
    """Rows grouped by the appointment's day in the institution's zone, sorted within each day."""
    days: dict[date, list[VisitRow]] = {}
    for row in rows:
        days.setdefault(row.invitation.appointment_at.astimezone(zone).date(), []).append(row)

    def order(row: VisitRow):
        at = row.invitation.appointment_at
        if sort == "status":
            return (visit_status.ATTENTION_ORDER[row.status], at)
        return (at, row.invitation.appointment_ref)

    return [(day, sorted(found, key=order)) for day, found in sorted(days.items())]

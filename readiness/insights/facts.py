"""Checks and visits read from the database as plain records: no names, no contact details.

Takes a session and the filters as arguments; imports no Flask. Everything after this module
works on these records only, so the report cannot show a patient even by mistake.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Check, ConnectionResult, Invitation

# Where patients stop, in the order of the check (readiness.patient.journey's steps).
STEPS = ("started", "connection", "devices", "setting", "consent", "contact", "done")


@dataclass(frozen=True)
class Filters:
    """Checks started, and visits held, from `since` to `until` (whole days, both included, in
    the institution's zone); one clinician's invitations only when clinician_id is set."""

    since: date | None = None
    until: date | None = None
    clinician_id: int | None = None

    def bounds(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        start = datetime.combine(self.since, time(), tzinfo=zone) if self.since else None
        end = None
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time(), tzinfo=zone)
        return start, end


@dataclass(frozen=True)
class Figures:
    """The latest connection test's figures; None where not measured."""

    download_mbps: float | None = None
    upload_mbps: float | None = None
    latency_ms: float | None = None
    jitter_ms: float | None = None
    loaded_latency_ms: float | None = None  # the worse of downloading and uploading
    packet_loss_percent: float | None = None
    media_rtt_ms: float | None = None
    media_route: str | None = None


@dataclass(frozen=True)
class CheckFact:
    created_at: datetime
    reached: int  # index in STEPS of the furthest step with something recorded
    verdict: str | None  # the final verdict once finished
    reasons: tuple[str, ...] = ()
    browser: str | None = None
    system: str | None = None
    figures: Figures = field(default_factory=Figures)

    @property
    def finished(self) -> bool:
        return self.reached == len(STEPS) - 1


@dataclass(frozen=True)
class VisitFact:
    """One appointment whose outcome was recorded, with the verdict of its latest finished
    check (None when the patient finished none) and that check's figures."""

    appointment_at: datetime
    outcome: str
    trouble: tuple[str, ...]
    verdict: str | None
    figures: Figures = field(default_factory=Figures)


def figures_of(result: ConnectionResult | None) -> Figures:
    if result is None:
        return Figures()
    loaded = [
        value
        for value in (result.loaded_latency_down_ms, result.loaded_latency_up_ms)
        if value is not None
    ]
    return Figures(
        download_mbps=result.download_mbps,
        upload_mbps=result.upload_mbps,
        latency_ms=result.latency_ms,
        jitter_ms=result.jitter_ms,
        loaded_latency_ms=max(loaded) if loaded else None,
        packet_loss_percent=result.packet_loss_percent,
        media_rtt_ms=result.media_rtt_ms,
        media_route=result.media_route,
    )


def furthest_step(check: Check) -> int:
    if check.completed_at is not None:
        return len(STEPS) - 1
    evidence = (
        True,
        bool(check.connection_results),
        bool(check.device_results),
        bool(check.setting_answers),
        bool(check.consent_records),
        bool(check.contact_details),
    )
    return max(index for index, seen in enumerate(evidence) if seen)


def check_fact(check: Check) -> CheckFact:
    summary = check.device_summary or {}
    latest = check.connection_results[-1] if check.connection_results else None
    return CheckFact(
        created_at=check.created_at,
        reached=furthest_step(check),
        verdict=check.verdict if check.completed_at else None,
        reasons=tuple(check.verdict_reasons or ()) if check.completed_at else (),
        browser=summary.get("browser") or None,
        system=summary.get("system") or None,
        figures=figures_of(latest),
    )


CHECK_PARTS = (
    selectinload(Check.connection_results),
    selectinload(Check.device_results),
    selectinload(Check.setting_answers),
    selectinload(Check.consent_records),
    selectinload(Check.contact_details),
)


def load_checks(session: Session, filters: Filters, zone: ZoneInfo) -> list[CheckFact]:
    start, end = filters.bounds(zone)
    query = select(Check).options(*CHECK_PARTS).order_by(Check.created_at)
    if start is not None:
        query = query.where(Check.created_at >= start)
    if end is not None:
        query = query.where(Check.created_at < end)
    if filters.clinician_id is not None:
        query = query.join(Invitation).where(Invitation.clinician_id == filters.clinician_id)
    return [check_fact(check) for check in session.scalars(query)]


def load_visits(session: Session, filters: Filters, zone: ZoneInfo) -> list[VisitFact]:
    start, end = filters.bounds(zone)
    query = (
        select(Invitation)
        .where(Invitation.visit_outcome.has())
        .options(
            selectinload(Invitation.visit_outcome),
            selectinload(Invitation.checks).selectinload(Check.connection_results),
        )
        .order_by(Invitation.appointment_at)
    )
    if start is not None:
        query = query.where(Invitation.appointment_at >= start)
    if end is not None:
        query = query.where(Invitation.appointment_at < end)
    if filters.clinician_id is not None:
        query = query.where(Invitation.clinician_id == filters.clinician_id)
    visits = []
    for invitation in session.scalars(query):
        finished = [check for check in invitation.checks if check.completed_at is not None]
        latest = max(finished, key=lambda check: check.completed_at) if finished else None
        result = latest.connection_results[-1] if latest and latest.connection_results else None
        visits.append(
            VisitFact(
                appointment_at=invitation.appointment_at,
                outcome=invitation.visit_outcome.outcome,
                trouble=tuple(invitation.visit_outcome.trouble or ()),
                verdict=latest.verdict if latest else None,
                figures=figures_of(result),
            )
        )
    return visits

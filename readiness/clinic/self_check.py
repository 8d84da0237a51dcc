"""The clinician's own setup check: its verdict, and what the visit list says about it. Pure.

The verdict is the patient check's (readiness.checks.overall) without the setting questions:
a clinician's workstation needs a connection test and every device, like a patient's.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..checks.overall import NOT_READY, Overall, overall_verdict

# Results posted this long after a self-check started complete it; later, a new one starts.
OPEN_MINUTES = 60
# A self-check older than this is out of date: the visit list reminds the clinician.
STALE_DAYS = 30

# What the visit list says (status names, the template words them).
NONE, UNFINISHED, NOT_READY_STATUS, STALE, FINE = "none", "unfinished", "not_ready", "stale", "fine"


def self_check_verdict(
    connection: tuple[str | None, list[str]] | None, devices: dict[str, dict] | None
) -> Overall:
    """connection: (verdict, reasons) or None; devices: kind -> {"status", "reason"}."""
    found = {kind: (part["status"], part.get("reason")) for kind, part in (devices or {}).items()}
    return overall_verdict(connection, found or None, setting=[])


def still_open(started_at: datetime, now: datetime) -> bool:
    return now - started_at < timedelta(minutes=OPEN_MINUTES)


@dataclass(frozen=True)
class SetupStatus:
    """The clinician's latest self-check as the visit list tells it."""

    status: str  # NONE, UNFINISHED, NOT_READY_STATUS, STALE or FINE
    verdict: str | None = None
    days_ago: int | None = None

    @property
    def reminder(self) -> bool:
        """Anything but a recent, finished check that is not "not ready" asks for a new one."""
        return self.status != FINE


def setup_status(verdict: str | None, checked_at: datetime | None, now: datetime) -> SetupStatus:
    """From the latest self-check's verdict and date (None, None when there is none)."""
    if checked_at is None:
        return SetupStatus(NONE)
    days = max(0, (now - checked_at).days)
    if verdict is None:
        return SetupStatus(UNFINISHED, None, days)
    if verdict == NOT_READY:
        return SetupStatus(NOT_READY_STATUS, verdict, days)
    if days > STALE_DAYS:
        return SetupStatus(STALE, verdict, days)
    return SetupStatus(FINE, verdict, days)

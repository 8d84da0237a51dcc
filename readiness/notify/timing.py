"""When each message is due, and the quiet hours for text messages. Pure: no Flask."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

MORNING = time(8, 0)  # the morning-of reminder, and the end of the quiet hours
QUIET_FROM = time(21, 0)


def reminder_due(appointment_at: datetime, hours_before: float) -> datetime:
    return appointment_at - timedelta(hours=hours_before)


def morning_due(appointment_at: datetime, zone: ZoneInfo) -> datetime | None:
    """08:00 on the day of the visit, in the patient's zone; None for a visit before then."""
    local = appointment_at.astimezone(zone)
    due = datetime.combine(local.date(), MORNING, tzinfo=zone)
    return due if due < appointment_at else None


def end_of_quiet_hours(moment: datetime, zone: ZoneInfo) -> datetime | None:
    """For a text message due at `moment`: None when it may go now, else when it may (08:00)."""
    local = moment.astimezone(zone)
    if MORNING <= local.time() < QUIET_FROM:
        return None
    day = local.date() if local.time() < MORNING else local.date() + timedelta(days=1)
    return datetime.combine(day, MORNING, tzinfo=zone)

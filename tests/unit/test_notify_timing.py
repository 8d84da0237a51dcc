from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from readiness.notify.timing import end_of_quiet_hours, morning_due, reminder_due

MONTREAL = ZoneInfo("America/Toronto")


def local(*args):
    return datetime(*args, tzinfo=MONTREAL)


def test_the_reminder_is_due_the_given_hours_before_the_visit():
    visit = datetime(2026, 12, 10, 19, 30, tzinfo=UTC)
    assert reminder_due(visit, 48) == datetime(2026, 12, 8, 19, 30, tzinfo=UTC)


def test_the_morning_reminder_is_at_eight_on_the_day_of_the_visit_in_the_patients_zone():
    assert morning_due(local(2026, 12, 10, 14, 30), MONTREAL) == local(2026, 12, 10, 8, 0)
    assert morning_due(local(2026, 12, 10, 7, 45), MONTREAL) is None


def test_no_text_message_between_nine_in_the_evening_and_eight_in_the_morning():
    assert end_of_quiet_hours(local(2026, 12, 10, 12, 0), MONTREAL) is None
    assert end_of_quiet_hours(local(2026, 12, 10, 20, 59), MONTREAL) is None
    assert end_of_quiet_hours(local(2026, 12, 10, 21, 0), MONTREAL) == local(2026, 12, 11, 8, 0)
    assert end_of_quiet_hours(local(2026, 12, 10, 3, 0), MONTREAL) == local(2026, 12, 10, 8, 0)

"""Dates, times and phone numbers as each language writes them, from code, not the catalog.

French follows the OQLF's Banque de dépannage linguistique: « 9 h 05 » (no leading zero),
« 14 h » on the hour, « 1er décembre », « le 3 décembre 2026 à 9 h 05 », « 514 555-0123 » and
« 1 800 555-0199 », with non-breaking spaces inside the time and the number.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from readiness.formatting import date_and_time, long_date, phone_number, time_of_day, zone_name

MONTREAL = ZoneInfo("America/Toronto")
NBSP = "\u00a0"


def at(text: str) -> datetime:
    """A moment in Montréal, stored as UTC like the database does."""
    return datetime.fromisoformat(text).replace(tzinfo=MONTREAL).astimezone(UTC)


def spaced(text: str) -> str:
    return text.replace(" ", NBSP)


def test_french_time_has_no_leading_zero_and_no_seconds():
    assert time_of_day(at("2026-12-03T09:05"), "fr", MONTREAL) == spaced("9 h 05")
    assert time_of_day(at("2026-12-03T14:30"), "fr", MONTREAL) == spaced("14 h 30")
    assert time_of_day(at("2026-12-03T00:07"), "fr", MONTREAL) == spaced("0 h 07")


def test_french_time_on_the_hour_is_written_without_minutes():
    assert time_of_day(at("2026-12-03T18:00"), "fr", MONTREAL) == spaced("18 h")


def test_english_time_is_written_with_a_colon_and_periods():
    assert time_of_day(at("2026-12-03T09:05"), "en", MONTREAL) == "9:05\u202fa.m."
    assert time_of_day(at("2026-12-03T14:30"), "en", MONTREAL) == "2:30\u202fp.m."


def test_french_date_and_time_are_joined_with_a():
    moment = at("2026-12-03T09:05")
    assert "le " + date_and_time(moment, "fr", MONTREAL, weekday=False) == (
        "le 3 décembre 2026 à " + spaced("9 h 05")
    )
    assert date_and_time(moment, "fr", MONTREAL) == "jeudi 3 décembre 2026 à " + spaced("9 h 05")


def test_english_date_and_time_are_joined_with_at():
    moment = at("2026-12-03T09:05")
    assert date_and_time(moment, "en", MONTREAL) == "Thursday, December 3, 2026 at 9:05\u202fa.m."
    assert (
        date_and_time(moment, "en", MONTREAL, weekday=False) == "December 3, 2026 at 9:05\u202fa.m."
    )


def test_the_first_of_the_month_is_1er_in_french_only():
    assert long_date(date(2026, 12, 1), "fr") == "mardi 1er décembre 2026"
    assert long_date(date(2026, 12, 1), "en") == "Tuesday, December 1, 2026"
    assert long_date(date(2026, 12, 2), "fr") == "mercredi 2 décembre 2026"
    assert long_date(date(2026, 12, 11), "fr", weekday=False) == "11 décembre 2026"


def test_dates_are_in_the_institutions_zone_not_utc():
    late_evening = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)  # 22 h 30 on December 1 in Montréal
    assert date_and_time(late_evening, "fr", MONTREAL, weekday=False) == (
        "1er décembre 2026 à " + spaced("22 h 30")
    )
    naive_utc = datetime(2026, 12, 2, 3, 30)
    assert time_of_day(naive_utc, "en", MONTREAL) == "10:30\u202fp.m."


def test_french_phone_numbers_use_spaces_not_parentheses():
    assert phone_number("+15145550123", "fr") == spaced("514 555-0123")
    assert phone_number("1-800-555-0199", "fr") == spaced("1 800 555-0199")


def test_english_phone_numbers_keep_north_american_style():
    assert phone_number("+15145550123", "en") == "(514) 555-0123"
    assert phone_number("1-800-555-0199", "en") == "1-800-555-0199"


def test_numbers_from_elsewhere_are_shown_in_full_international_form():
    assert phone_number("+33142685300", "fr").startswith("+33 1")
    assert phone_number("", "fr") == ""


def test_the_time_zone_is_named_in_words_before_its_identifier():
    assert zone_name("America/Toronto", "fr") == "heure de l’Est, America/Toronto"
    assert zone_name("America/Toronto", "en") == "Eastern Time, America/Toronto"
    assert zone_name("UTC", "fr") == "UTC"
    assert zone_name("America/Toronto", "fr", with_id=False) == "heure de l’Est"

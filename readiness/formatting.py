"""Numbers, speeds, dates, times and phone numbers in the page's language and time zone.

Dates and times follow each language's house rules, written here rather than left to the
catalog or to the locale data: in French (OQLF, Banque de dépannage linguistique) « 9 h 05 »
with no leading zero, « 14 h » on the hour, « 1er décembre », and a date joined to its time with
« à »; in English « 9:05 a.m. » and « December 1, 2026 at 9:05 a.m. ». The pure functions take
the language and the zone as arguments; the Jinja filters at the bottom pass the page's.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.dates import get_timezone_name
from flask_babel import format_decimal, gettext

from .checks.contacts import national_format
from .connection.media_routes import route_label

NBSP = "\u00a0"
LOCALES = {"en": "en_CA", "fr": "fr_CA"}


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored moment (naive means UTC) in the institution's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def time_of_day(moment: datetime, language: str, zone: ZoneInfo) -> str:
    """« 9 h 05 », « 14 h » / '9:05 a.m.'."""
    moment = local(moment, zone)
    if language == "fr":
        if moment.minute == 0:
            return f"{moment.hour}{NBSP}h"
        return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    return babel_time(moment, "short", locale=LOCALES["en"])


def _french_day(day: date, weekday: bool, month: str = "MMMM") -> str:
    number = "1er" if day.day == 1 else str(day.day)
    pattern = f"{'EEEE ' if weekday else ''}'{number}' {month} y"
    return babel_date(day, pattern, locale=LOCALES["fr"])


def long_date(moment: date, language: str, zone: ZoneInfo | None = None, weekday=True) -> str:
    """« mardi 1er décembre 2026 » / 'Tuesday, December 1, 2026' (weekday optional)."""
    day = local(moment, zone).date() if isinstance(moment, datetime) else moment
    if language == "fr":
        return _french_day(day, weekday)
    return babel_date(day, "EEEE, MMMM d, y" if weekday else "MMMM d, y", locale=LOCALES["en"])


def date_and_time(moment: datetime, language: str, zone: ZoneInfo, weekday=True) -> str:
    """« jeudi 3 décembre 2026 à 9 h 05 » / 'Thursday, December 3, 2026 at 9:05 a.m.'."""
    when = long_date(moment, language, zone, weekday=weekday)
    at = "à" if language == "fr" else "at"
    return f"{when} {at} {time_of_day(moment, language, zone)}"


def phone_number(number: str | None, language: str, region: str = "CA") -> str:
    """« 514 555-0123 », « 1 800 555-0199 » / '(514) 555-0123', '1-800-555-0199'."""
    return national_format(number, region, language)


def zone_name(zone_id: str, language: str, with_id: bool = True) -> str:
    """« heure de l’Est, America/Toronto » / 'Eastern Time, America/Toronto': a name people use
    first, then the identifier (left out with with_id=False, for staff who only need the
    name); UTC and zones with no common name are given as they are."""
    if zone_id.upper() in ("UTC", "ETC/UTC"):
        return "UTC"
    name = get_timezone_name(ZoneInfo(zone_id), locale=LOCALES[language])
    if "UTC" in name or "GMT" in name:
        return zone_id
    return f"{name}, {zone_id}" if with_id else name


# The page's language and zone, for templates.


def _language() -> str:
    from .locale import current_language

    return current_language()


def _zone() -> ZoneInfo:
    from flask import g

    from .locale import institution_zone

    # A message to a patient gives times in the patient's own zone (readiness.notify.compose).
    return g.get("patient_zone") or institution_zone()


def speed(mbps: float | None) -> str:
    """9.4 Mbps in English, 9,4 Mbit/s in French."""
    if mbps is None:
        return "–"
    return gettext("%(value)s Mbps", value=format_decimal(round(mbps, 1), format="#,##0.#"))


def milliseconds(ms: float | None) -> str:
    if ms is None:
        return "–"
    return gettext("%(value)s ms", value=format_decimal(round(ms), format="#,##0"))


def percent(value: float | None) -> str:
    """0.4% in English, 0,4 % in French."""
    if value is None:
        return "–"
    return gettext("%(value)s%%", value=format_decimal(round(value, 1), format="#,##0.#"))


def number(value) -> str:
    return format_decimal(value, format="#,##0.#")


def appointment_time(moment) -> str:
    """'Tuesday, December 1, 2026 at 2:30 p.m.' / « mardi 1er décembre 2026 à 14 h 30 »."""
    return date_and_time(moment, _language(), _zone())


def day(moment) -> str:
    """'Tuesday, December 1, 2026' / « mardi 1er décembre 2026 »."""
    return long_date(moment, _language(), _zone())


def day_in_sentence(moment) -> str:
    """'December 1, 2026' / « 1er décembre 2026 », as in « le 1er décembre 2026 à 14 h »."""
    return long_date(moment, _language(), _zone(), weekday=False)


def short_time(moment) -> str:
    """'2:30 p.m.' / « 14 h 30 »."""
    return time_of_day(moment, _language(), _zone())


def short_datetime(moment) -> str:
    """Staff pages' one style: 'December 1, 2026 at 2:30 p.m.' / « 1er décembre 2026 à 14 h 30 »."""
    if moment is None:
        return "–"
    return date_and_time(moment, _language(), _zone(), weekday=False)


def phone(number: str | None) -> str:
    """A stored number as the page's language writes it."""
    from flask import current_app

    return phone_number(number, _language(), current_app.config["DEFAULT_PHONE_REGION"])


def init_app(app) -> None:
    app.jinja_env.filters.update(
        speed=speed,
        milliseconds=milliseconds,
        percent=percent,
        media_route=route_label,
        number=number,
        appointment_time=appointment_time,
        day=day,
        short_time=short_time,
        short_datetime=short_datetime,
        phone=phone,
    )

"""Numbers, speeds and times in the page's language and the institution's time zone."""

from flask_babel import format_date, format_datetime, format_decimal, format_time, gettext

from .connection.media_routes import route_label


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


def init_app(app) -> None:
    app.jinja_env.filters.update(
        speed=speed,
        milliseconds=milliseconds,
        percent=percent,
        media_route=route_label,
        number=number,
        datetime=format_datetime,
        appointment_time=appointment_time,
        day=day,
        short_time=short_time,
        short_datetime=short_datetime,
    )


def appointment_time(moment) -> str:
    """'Tuesday, December 1, 2026, 2:30 p.m.' / 'mardi 1 décembre 2026, 14 h 30'."""
    return f"{format_date(moment, 'full')}, {format_time(moment, 'short')}"


def day(moment) -> str:
    """'Tuesday, December 1, 2026' / 'mardi 1 décembre 2026'."""
    return format_date(moment, "full")


def short_time(moment) -> str:
    """'2:30 p.m.' / '14 h 30'."""
    return format_time(moment, "short")


def short_datetime(moment) -> str:
    """'Dec. 1, 2026, 2:30 p.m.' / '1 déc. 2026, 14 h 30'."""
    if moment is None:
        return "–"
    return f"{format_date(moment, 'medium')}, {format_time(moment, 'short')}"

"""The report for a set of filters, read from the database. No Flask: session, zone and the
app's settings come in."""

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from .extras import report_extras
from .facts import Filters, load_checks, load_visits
from .report import build_report


def report_for(session: Session, filters: Filters, zone: ZoneInfo, config: Mapping) -> dict:
    return build_report(
        load_checks(session, filters, zone),
        load_visits(session, filters, zone),
        zone=zone,
        extra_sections=report_extras(session, config),
    )

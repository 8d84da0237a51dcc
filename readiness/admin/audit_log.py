"""The audit trail as admins read it: filters, pages, and the CSV export. No Flask here.

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) are prefixed with an apostrophe, so an exported trail cannot run anything.
"""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from ..checks.codes import code_candidates
from ..control_characters import CONTROL
from ..models import ApiKey, AuditEvent, Check, StaffUser

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The largest row id: ids are INTEGER columns, 32 bits on PostgreSQL (SQLite holds 64), and a
# page number this large still gives an OFFSET a BIGINT holds.
MAX_ROW_ID = 2**31 - 1


@dataclass
class AuditFilters:
    staff_id: int | None = None
    check_code: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "AuditFilters":
        """From the query string; anything unreadable is ignored rather than an error."""
        return cls(
            staff_id=whole_number(args.get("staff")),
            check_code=filter_text(args.get("check"), 20),
            action=filter_text(args.get("action"), 48),
            date_from=a_date(args.get("from")),
            date_to=a_date(args.get("to")),
            page=max(1, whole_number(args.get("page")) or 1),
        )

    def as_args(self, **changes) -> dict:
        values = {
            "staff": self.staff_id or "",
            "check": self.check_code,
            "action": self.action,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "page": self.page,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None)}


def filter_text(text, limit: int) -> str:
    """A text filter without control characters (PostgreSQL refuses a NUL in any text)."""
    return CONTROL.sub("", text or "").strip()[:limit]


def whole_number(text) -> int | None:
    """A whole number a database row id can hold (a larger one matches no row: 0)."""
    try:
        number = int(text)
    except (TypeError, ValueError):
        return None
    return number if abs(number) <= MAX_ROW_ID else 0


def a_date(text) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filtered(filters: AuditFilters, zone: ZoneInfo):
    """The query for the entries the filters select, newest first."""
    query = select(AuditEvent)
    if filters.staff_id:
        query = query.where(AuditEvent.staff_id == filters.staff_id)
    if filters.check_code:
        candidates = code_candidates(filters.check_code) or [filters.check_code.upper()]
        query = query.where(
            AuditEvent.check_id.in_(select(Check.id).where(Check.reference_code.in_(candidates)))
        )
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    start = day_start(filters.date_from, zone) if filters.date_from else None
    if start is not None:
        query = query.where(AuditEvent.at >= start)
    end = day_after(filters.date_to, zone) if filters.date_to else None
    if end is not None:
        query = query.where(AuditEvent.at < end)
    if filters.staff_id == 0:
        query = query.where(false())  # an id no row can have
    return query


def day_start(day: date, zone: ZoneInfo) -> datetime | None:
    """Midnight of day in zone, in UTC; None past the calendar's ends (no bound there)."""
    try:
        return datetime.combine(day, time(), zone).astimezone(UTC)
    except OverflowError:
        return None


def day_after(day: date, zone: ZoneInfo) -> datetime | None:
    """Midnight after day; None after 9999-12-31, which no entry reaches."""
    try:
        return day_start(day + timedelta(days=1), zone)
    except OverflowError:
        return None


def page_of(session: Session, filters: AuditFilters, zone: ZoneInfo) -> tuple[list, int]:
    """(the page's entries, the number of pages)."""
    query = filtered(filters, zone)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    entries = session.scalars(
        query.order_by(AuditEvent.id.desc())
        .offset((min(filters.page, pages) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return list(entries), pages


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def names(session: Session, entries) -> tuple[dict, dict, dict]:
    """Staff emails, API key names and check codes for the entries shown."""
    staff_ids = {entry.staff_id for entry in entries if entry.staff_id}
    key_ids = {entry.api_key_id for entry in entries if entry.api_key_id}
    check_ids = {entry.check_id for entry in entries if entry.check_id}
    staff = (
        dict(
            session.execute(
                select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(staff_ids))
            ).all()
        )
        if staff_ids
        else {}
    )
    keys = (
        dict(session.execute(select(ApiKey.id, ApiKey.name).where(ApiKey.id.in_(key_ids))).all())
        if key_ids
        else {}
    )
    codes = (
        dict(
            session.execute(
                select(Check.id, Check.reference_code).where(Check.id.in_(check_ids))
            ).all()
        )
        if check_ids
        else {}
    )
    return staff, keys, codes


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def details_json(details) -> str:
    """The details exactly as recorded (what the entry's hash covers)."""
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True)


def csv_text(
    session: Session,
    filters: AuditFilters,
    zone: ZoneInfo,
    header: list[str],
    action_words: Callable[[str], str],
    details_words: Callable[[dict], str],
) -> str:
    """Every entry the filters select (up to EXPORT_LIMIT), oldest first, as CSV: the action
    and details in words (from the callers' functions), then as recorded."""
    entries = session.scalars(
        filtered(filters, zone).order_by(AuditEvent.id).limit(EXPORT_LIMIT)
    ).all()
    staff, keys, codes = names(session, entries)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for entry in entries:
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    entry.id,
                    entry.at.astimezone(zone).isoformat(timespec="seconds"),
                    staff.get(entry.staff_id, ""),
                    keys.get(entry.api_key_id, ""),
                    action_words(entry.action),
                    codes.get(entry.check_id, ""),
                    details_words(entry.details),
                    entry.hash,
                    entry.action,
                    details_json(entry.details),
                )
            ]
        )
    return out.getvalue()

"""Finding a caller's check: by reference code, phone number or email, and the recent ones."""

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import func, or_, select

from ..checks.codes import code_candidates
from ..checks.contacts import parse_phone
from ..extensions import db
from ..models import Check, ContactDetails, Invitation, utcnow

MAX_RESULTS = 50


def find_checks(text: str, region: str) -> tuple[str, list[Check]]:
    """(how the text was read: code, email or phone; the checks it matches, latest first)."""
    text = (text or "").strip()
    if "@" in text:
        return "email", by_email(text)
    candidates = code_candidates(text)
    if candidates:
        return "code", by_codes(candidates)
    number, _error = parse_phone(text, region)
    return "phone", by_phone(number) if number else []


def by_codes(candidates: list[str]) -> list[Check]:
    """A check's own code, or the code printed on an invitation (all its checks)."""
    query = (
        select(Check)
        .outerjoin(Invitation, Check.invitation_id == Invitation.id)
        .where(or_(Check.reference_code.in_(candidates), Invitation.code.in_(candidates)))
    )
    return latest_first(query)


def by_email(email: str) -> list[Check]:
    email = email.lower()
    by_contact = select(ContactDetails.check_id).where(func.lower(ContactDetails.email) == email)
    by_invitation = select(Invitation.id).where(func.lower(Invitation.email) == email)
    return latest_first(
        select(Check).where(or_(Check.id.in_(by_contact), Check.invitation_id.in_(by_invitation)))
    )


def by_phone(number: str) -> list[Check]:
    by_contact = select(ContactDetails.check_id).where(
        or_(ContactDetails.mobile_e164 == number, ContactDetails.backup_e164 == number)
    )
    by_invitation = select(Invitation.id).where(Invitation.phone_e164 == number)
    return latest_first(
        select(Check).where(or_(Check.id.in_(by_contact), Check.invitation_id.in_(by_invitation)))
    )


def search_fingerprint(text: str, key: str) -> str:
    """A keyed hash of what was searched, for the audit of a search that found nothing: two
    searches for the same thing can be linked, but the value cannot be read back or tried."""
    cleaned = "".join((text or "").split()).lower()
    digest = hmac.new(str(key).encode(), b"desk-search:" + cleaned.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def recent_checks(hours: float) -> list[Check]:
    since = utcnow() - timedelta(hours=hours)
    return latest_first(select(Check).where(Check.updated_at >= since))


def latest_first(query) -> list[Check]:
    query = query.order_by(Check.updated_at.desc(), Check.id.desc()).limit(MAX_RESULTS)
    return list(db.session.scalars(query).unique())

"""Staff sessions kept on the server: a signed cookie alone no longer signs anyone in.

Signing in makes a row whose random token goes in the session cookie (the table keeps only
its hash). A request counts as signed in only while that row is live: not ended (sign-out, a
password change, `flask staff sign-out`), and younger than STAFF_SESSION_HOURS. No Flask here.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import StaffSession, utcnow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(staff_id: int) -> str:
    """A new session for this staff member; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSession(token_hash=token_hash(token), staff_id=staff_id))
    return token


def is_live(token, staff_id: int, hours: float, now: datetime | None = None) -> bool:
    if not isinstance(token, str) or not token:
        return False
    row = db.session.scalar(
        select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    )
    now = now or utcnow()
    return (
        row is not None
        and row.staff_id == staff_id
        and row.ended_at is None
        and now - row.created_at < timedelta(hours=hours)
    )


def end(token) -> None:
    if isinstance(token, str) and token:
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.token_hash == token_hash(token), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_all(staff_id: int, keep_token: str | None = None) -> int:
    """End every live session of one person (but the one given); returns how many ended."""
    query = update(StaffSession).where(
        StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None)
    )
    if keep_token:
        query = query.where(StaffSession.token_hash != token_hash(keep_token))
    return db.session.execute(query.values(ended_at=utcnow())).rowcount

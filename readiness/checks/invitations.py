"""Invitations: made by a clinician or the scheduling module, opened by the patient's link."""

from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Check, Invitation, utcnow
from .codes import JOIN_LENGTH, new_code, new_token, token_hash

# No clinic books a visit further ahead; a later date is a typing error (or an attack on the
# date arithmetic: 9999-12-31 plus the link's hours overflows).
MAX_YEARS_AHEAD = 5


def too_far_ahead(appointment_at: datetime, now: datetime) -> bool:
    return appointment_at - now > timedelta(days=366 * MAX_YEARS_AHEAD)


def unused_code(length: int = JOIN_LENGTH) -> str:
    """A code no invitation and no check has, so the desk can read either kind aloud."""
    while True:
        code = new_code(length)
        taken = db.session.scalar(select(Invitation.id).where(Invitation.code == code))
        taken = taken or db.session.scalar(select(Check.id).where(Check.reference_code == code))
        if not taken:
            return code


def create_invitation(
    *,
    appointment_ref: str,
    appointment_at: datetime,
    language: str,
    valid_hours_after: float,
    **fields,
) -> tuple[Invitation, str]:
    """Add an invitation to the session; returns it with its token, which is never stored."""
    token = new_token()
    invitation = Invitation(
        appointment_ref=appointment_ref,
        appointment_at=appointment_at,
        language=language,
        token_hash=token_hash(token),
        code=unused_code(),
        expires_at=appointment_at + timedelta(hours=valid_hours_after),
        **fields,
    )
    db.session.add(invitation)
    return invitation, token


def find_by_token(token: str) -> Invitation | None:
    """Looked up by the token's hash: the time taken says nothing about how close a guess was."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))


def is_open(invitation: Invitation, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return invitation.revoked_at is None and now < invitation.expires_at

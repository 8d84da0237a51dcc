"""What a code typed at /<lang>/code lets a browser do, and nothing more.

A code opens no existing check's contents. It lets a browser in only when it is
- a code the desk read out for a check it started: once, by one browser, within
  DESK_CODE_MINUTES of the start, while the check has not begun; or
- an open invitation's code: it starts a new attempt for that appointment, which shows nothing
  typed in any other attempt, replaces nothing the clinician sees and does not use up the link
  (readiness.checks.attempts).
A check's own reference code (6 characters) finds it for staff; here it is just a wrong code.
"""

from datetime import datetime

from sqlalchemy import select, update

from ..checks import state
from ..checks.attempts import code_attempts
from ..checks.codes import JOIN_LENGTH
from ..checks.invitations import is_open
from ..extensions import db
from ..models import Check, Invitation
from .session_check import start_check


def join_by_code(
    code: str, language: str, now: datetime, desk_code_minutes: float, max_checks: int
) -> Check | None:
    """The check this browser may now call its own, or None (the same for every refusal)."""
    if len(code) != JOIN_LENGTH:
        return None
    invitation = db.session.scalar(select(Invitation).where(Invitation.code == code))
    if invitation is not None:
        if not is_open(invitation, now) or len(code_attempts(invitation.checks)) >= max_checks:
            return None
        check = start_check(language, invitation=invitation, by_code=True)
        db.session.commit()
        return check
    return join_desk_check(code, language, now, desk_code_minutes)


def join_desk_check(code: str, language: str, now: datetime, minutes: float) -> Check | None:
    check = db.session.scalar(select(Check).where(Check.reference_code == code))
    if check is None or not state.desk_code_open(check, now, minutes):
        return None
    # Only one browser wins, even when two type the code at the same moment.
    joined = db.session.execute(
        update(Check)
        .where(Check.id == check.id, Check.joined_at.is_(None))
        .values(joined_at=now, language=language)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if joined != 1:
        return None
    db.session.refresh(check)
    return check

"""The one check this browser may see, remembered in the signed session cookie."""

from flask import session
from sqlalchemy import select

from ..checks.codes import new_code
from ..extensions import db
from ..models import Check

SESSION_KEY = "check_id"


def current_check() -> Check | None:
    public_id = session.get(SESSION_KEY)
    if not public_id:
        return None
    return db.session.scalar(select(Check).where(Check.public_id == public_id))


def remember_check(check: Check) -> None:
    session[SESSION_KEY] = check.public_id


def unused_reference_code() -> str:
    """A fresh code that no check has yet."""
    while True:
        code = new_code()
        if db.session.scalar(select(Check.id).where(Check.reference_code == code)) is None:
            return code


def start_check(language: str, **fields) -> Check:
    check = Check(reference_code=unused_reference_code(), language=language, **fields)
    db.session.add(check)
    return check

"""The one check this browser may see, remembered in the signed session cookie."""

from functools import wraps

from flask import redirect, session, url_for
from sqlalchemy import select

from ..checks.codes import new_code
from ..errors import json_error
from ..extensions import db
from ..models import Check, utcnow

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


def seen(check: Check) -> None:
    """The patient was here just now: the desk's live view shows it."""
    check.last_seen_at = utcnow()
    check.touch()


def check_required(view=None, *, json: bool = False):
    """A step of the check: the view gets this browser's check as its first argument.

    Without one, a page sends the browser to the start page; a JSON endpoint (json=True), which
    the page's script calls, answers 403.
    """

    def decorate(view):
        @wraps(view)
        def with_check(*args, **kwargs):
            check = current_check()
            if check is None:
                if json:
                    return json_error(403, "no_check", "this browser has no check")
                return redirect(url_for("patient.start"))
            return view(check, *args, **kwargs)

        return with_check

    return decorate(view) if view is not None else decorate

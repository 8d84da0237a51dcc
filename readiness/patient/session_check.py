"""The one check this browser may see, remembered in the signed session cookie.

The browser forgets it after PATIENT_SESSION_HOURS without a request (a shared computer), or
when the patient clears it. What the patient typed is shown back only to this session: the ids
of the contact details it saved are kept beside the check's.
"""

import time
from datetime import timedelta
from functools import wraps

from flask import current_app, redirect, request, session, url_for
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from .. import throttle
from ..checks.codes import JOIN_LENGTH, LENGTH
from ..checks.invitations import unused_code
from ..extensions import db
from ..models import Check, utcnow
from .json_answers import patient_json_error

SESSION_KEY = "check_id"
SEEN_KEY = "check_seen_at"
TYPED_KEY = "typed_contact_ids"
PATIENT_KEYS = (SESSION_KEY, SEEN_KEY, TYPED_KEY, "pending_contact")
# The largest result the page posts is a connection report (its samples at most 32 KiB).
MAX_RESULT_BYTES = 128 * 1024


def current_check() -> Check | None:
    public_id = session.get(SESSION_KEY)
    if not public_id:
        return None
    now = int(time.time())
    idle_limit = float(current_app.config["PATIENT_SESSION_HOURS"]) * 3600
    if now - int(session.get(SEEN_KEY, 0)) > idle_limit:
        forget_check()
        return None
    session[SEEN_KEY] = now
    return db.session.scalar(select(Check).where(Check.public_id == public_id))


def remember_check(check: Check) -> None:
    forget_check()
    session[SESSION_KEY] = check.public_id
    session[SEEN_KEY] = int(time.time())
    session[TYPED_KEY] = []


def forget_check() -> None:
    """This browser no longer holds any check, nor anything typed in it."""
    for key in PATIENT_KEYS:
        session.pop(key, None)


def remember_typed(contact_id: int) -> None:
    session[TYPED_KEY] = [*session.get(TYPED_KEY, []), contact_id][-10:]


def typed_here(contact_id: int) -> bool:
    return contact_id in session.get(TYPED_KEY, [])


def start_check(language: str, **fields) -> Check:
    """A new check. One the desk starts gets a code long enough to let the caller's browser in."""
    length = JOIN_LENGTH if fields.get("started_by_staff_id") else LENGTH
    check = Check(reference_code=unused_code(length), language=language, **fields)
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
                    return patient_json_error(403, "no_check")
                return redirect(url_for("patient.start"))
            if json and not result_allowed(check):
                return patient_json_error(429, "too_many_results")
            return view(check, *args, **kwargs)

        return with_check

    return decorate(view) if view is not None else decorate


def result_allowed(check: Check) -> bool:
    """A result the page posts: counted per check and per address before its body is read,
    and that body capped (MAX_RESULT_BYTES), so that parsing stays cheap (review 3, F9)."""
    request.max_content_length = MAX_RESULT_BYTES
    config = current_app.config
    return throttle.count(
        config["PATIENT_RESULT_RATE_LIMIT"], "patient-result", check.public_id
    ) and throttle.count(
        config["PATIENT_RESULT_ADDRESS_LIMIT"], "patient-result-address", get_remote_address()
    )


# A page view writes "last seen" at most this often: the support desk's "seen 2 minutes ago"
# needs no more, and every write is a turn at the embedded database's one writer.
SEEN_EVERY = timedelta(seconds=10)


def viewed(check: Check, step: str) -> None:
    """A page of the check was shown: write (and commit) only if the step or a stale
    "last seen" changes, so that most page views only read."""
    now = utcnow()
    if check.step != step or check.last_seen_at is None or now - check.last_seen_at >= SEEN_EVERY:
        check.step = step
        seen(check)
        db.session.commit()

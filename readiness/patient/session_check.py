"""The one check this browser may see: a random token in the session cookie, and on the server
the row it names (PatientSession), so that "Clear" or an erasure ends it for every copy of the
cookie, and the contact details typed before "confirm" wait on the server, never in the cookie.

The browser forgets it after PATIENT_SESSION_HOURS without a request (a shared computer), or
when the patient clears it. What the patient typed is shown back only to this session: the ids
of the contact details it saved are kept beside the token.
"""

import hashlib
import secrets
from datetime import timedelta
from functools import wraps

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy import delete, select

from .. import throttle
from ..checks.codes import JOIN_LENGTH, LENGTH
from ..checks.invitations import unused_code
from ..extensions import client_key, db
from ..models import Check, PatientSession, utcnow
from .json_answers import patient_json_error

SESSION_KEY = "patient_session"
TYPED_KEY = "typed_contact_ids"
PATIENT_KEYS = (SESSION_KEY, TYPED_KEY, "check_id", "check_seen_at", "pending_contact")
# Set when this browser took the check over from another one with a handover link (a phone).
HANDOVER_KEY = "handover_phone"
PATIENT_KEYS += (HANDOVER_KEY,)
# "Last seen" on the session row is written at most this often.
SESSION_SEEN_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def patient_session() -> PatientSession | None:
    """This browser's live session row (ended, idle too long or erased: None, and forgotten)."""
    if "patient_session_row" in g:
        return g.patient_session_row
    token = session.get(SESSION_KEY)
    row = None
    if isinstance(token, str) and token:
        row = db.session.scalar(
            select(PatientSession).where(PatientSession.token_hash == token_hash(token))
        )
    now = utcnow()
    idle_limit = timedelta(hours=float(current_app.config["PATIENT_SESSION_HOURS"]))
    if row is not None:
        check = db.session.get(Check, row.check_id)
        if now - row.seen_at > idle_limit or check is None or check.erased_at is not None:
            db.session.delete(row)
            db.session.commit()
            row = None
        elif now - row.seen_at >= SESSION_SEEN_EVERY:
            row.seen_at = now
            db.session.commit()
    if row is None and token:
        forget_check()
    g.patient_session_row = row
    return row


# The largest result the page posts is a connection report (its samples at most 32 KiB).
MAX_RESULT_BYTES = 128 * 1024


def current_check() -> Check | None:
    row = patient_session()
    return db.session.get(Check, row.check_id) if row is not None else None


def remember_check(check: Check) -> None:
    """This browser now holds this check (and no other, nor anything typed in another)."""
    forget_check()
    token = secrets.token_urlsafe(32)
    db.session.add(PatientSession(token_hash=token_hash(token), check_id=check.id))
    db.session.commit()
    session[SESSION_KEY] = token
    session[TYPED_KEY] = []


def forget_check() -> None:
    """This browser no longer holds any check, nor anything typed in it: the session row goes
    too, so a copy of the cookie taken before holds nothing either."""
    token = session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        db.session.execute(
            delete(PatientSession).where(PatientSession.token_hash == token_hash(token))
        )
        db.session.commit()
    g.pop("patient_session_row", None)
    for key in PATIENT_KEYS:
        session.pop(key, None)


def end_sessions_of(check_id: int) -> None:
    """Every browser's hold on this check ends (its erasure); the caller commits."""
    db.session.execute(delete(PatientSession).where(PatientSession.check_id == check_id))


def remember_typed(contact_id: int) -> None:
    session[TYPED_KEY] = [*session.get(TYPED_KEY, []), contact_id][-10:]


def typed_here(contact_id: int) -> bool:
    return contact_id in session.get(TYPED_KEY, [])


def on_phone() -> bool:
    """This browser took its check over from another one with a handover link."""
    return bool(session.get(HANDOVER_KEY))


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
        config["PATIENT_RESULT_ADDRESS_LIMIT"], "patient-result-address", client_key()
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

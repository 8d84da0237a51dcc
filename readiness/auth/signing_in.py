"""The steps of signing in that every method shares: starting the session, the second step
after a password, and whether two-factor is due. (The password check itself stays in views.)
"""

from datetime import datetime

from flask import current_app, request, session, url_for
from flask_login import login_user
from sqlalchemy import select, update

from ..audit import record
from ..extensions import db
from ..models import RecoveryCode, StaffUser, utcnow
from ..vocabulary import Role
from . import STAFF_SESSION_KEY, lockout, sessions, totp

# How this session was signed in: "oidc", "password" or "password+totp".
SIGN_IN_METHOD_KEY = "sign_in_method"
# A password that was right, waiting for its second step: {"staff": id, "at": unix seconds}.
SECOND_STEP_KEY = "second_step"
SECOND_STEP_SECONDS = 300
NEXT_KEY = "after_sign_in"


def clear_session() -> None:
    """A fresh session (no fixation), keeping only the language the person chose."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def start_session(user: StaffUser, method: str, now: datetime) -> None:
    """Sign the user in on this browser, with a fresh server-side session, and audit it."""
    next_path = session.get(NEXT_KEY)
    clear_session()
    login_user(user)
    session[STAFF_SESSION_KEY] = sessions.start(user.id)
    session[SIGN_IN_METHOD_KEY] = method
    if next_path:
        session[NEXT_KEY] = next_path
    user.last_login_at = now
    lockout.clear(db.session, user.id, address())
    record("staff.sign_in", staff_id=user.id, details={"method": method})
    db.session.commit()


def address() -> str:
    return request.remote_addr or ""


def may_use_password(user: StaffUser) -> bool:
    """With READINESS_LOCAL_SIGN_IN=off, only break-glass accounts sign in with a password."""
    return current_app.config["LOCAL_SIGN_IN"] != "off" or user.break_glass


def totp_required(user: StaffUser) -> bool:
    """Break-glass accounts always; then READINESS_REQUIRE_TOTP (admin, all, off)."""
    if user.break_glass:
        return True
    mode = current_app.config["REQUIRE_TOTP"]
    return mode == "all" or (mode == "admin" and user.role == Role.ADMIN)


def accept_password(user: StaffUser, now: datetime) -> None:
    """The password was right: sign in, or wait for the second step if the user has one.

    The count of wrong tries is kept until the second step passes, so a known password does
    not reset the lockout that wrong codes build up.
    """
    if user.totp_enabled_at is None:
        start_session(user, "password", now)
        return
    lockout.give_back_try(db.session, user.id, address())
    clear_session()
    session[SECOND_STEP_KEY] = {"staff": user.id, "at": now.timestamp()}
    db.session.commit()


def pending_second_step(now: datetime) -> StaffUser | None:
    """The user whose password was right a moment ago on this browser, if any."""
    pending = session.get(SECOND_STEP_KEY)
    if not isinstance(pending, dict):
        return None
    at, staff_id = pending.get("at"), pending.get("staff")
    if not isinstance(at, int | float) or not isinstance(staff_id, int):
        return None
    if not 0 <= now.timestamp() - at <= SECOND_STEP_SECONDS:
        return None
    user = db.session.get(StaffUser, staff_id)
    if user is None or not user.active or user.totp_enabled_at is None:
        return None
    return user


def enrolment_due(user: StaffUser) -> bool:
    """Signed in with a password alone, by someone who must have two-factor."""
    method = session.get(SIGN_IN_METHOD_KEY, "password")
    return method == "password" and user.totp_enabled_at is None and totp_required(user)


def check_second_factor(user: StaffUser, typed: str, now: datetime) -> str | None:
    """ "totp" or "recovery_code" when what was typed is right (and now used up), else None."""
    if user.totp_secret is None:
        return None
    step = totp.matching_step(user.totp_secret, typed, now, user.totp_last_step)
    if step is not None:
        # Conditional, so two requests with the same code cannot both pass.
        used = db.session.execute(
            update(StaffUser)
            .where(StaffUser.id == user.id)
            .where((StaffUser.totp_last_step.is_(None)) | (StaffUser.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        ).rowcount
        return "totp" if used == 1 else None
    unused = db.session.execute(
        select(RecoveryCode.id, RecoveryCode.code_hash).where(
            RecoveryCode.staff_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    code_id = totp.matching_recovery_code(typed, [tuple(row) for row in unused])
    if code_id is None:
        return None
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        return None
    record("staff.recovery_code_used", staff_id=user.id)
    return "recovery_code"


def reserve_code_try(user: StaffUser, now: datetime) -> bool:
    """A second-step code is a try like a password, counted first (per account and address);
    False when this address is locked out of this account."""
    limits = lockout.Limits.from_config(current_app.config)
    return lockout.reserve_try(db.session, user.id, address(), now, limits)


def count_wrong_code(user: StaffUser, now: datetime) -> int:
    """A wrong second-step code counts toward the same lockout as a wrong password."""
    limits = lockout.Limits.from_config(current_app.config)
    return lockout.count_failure(db.session, user.id, address(), now, limits)


def replace_recovery_codes(user: StaffUser) -> list[str]:
    """New recovery codes for the user (the old ones stop working); returns them to show once."""
    codes = totp.new_recovery_codes()
    db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.staff_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    for code in codes:
        db.session.add(RecoveryCode(staff_id=user.id, code_hash=totp.hash_recovery_code(code)))
    return codes


def next_page(user: StaffUser) -> str:
    """Where a person goes once signed in: the page they asked for, or their workspace."""
    from .views import landing_for, safe_next

    return safe_next(session.pop(NEXT_KEY, None)) or landing_for(user)


def after_password(next_arg: str | None) -> str:
    """After a right password: the second step, or the page the person was going to."""
    from flask_login import current_user

    from .views import landing_for, safe_next

    if SECOND_STEP_KEY in session:
        if safe_next(next_arg):
            session[NEXT_KEY] = safe_next(next_arg)
        return url_for("auth.totp_step")
    return safe_next(next_arg) or landing_for(current_user)

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import _
from flask_login import current_user, logout_user
from sqlalchemy import func, select

from ..audit import record
from ..extensions import db, limiter
from ..models import LANGUAGES, StaffUser, utcnow
from ..passwords import verify_password
from ..vocabulary import Role
from . import STAFF_SESSION_KEY, bp, lockout, sessions, signing_in
from .forms import LoginForm


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send a signed-in user elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def landing_for(user: StaffUser) -> str:
    if user.role == Role.MANAGER:
        return url_for("admin.insights")
    return url_for("clinic.index") if user.role == Role.CLINICIAN else url_for("desk.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(landing_for(current_user))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email))
        if sign_in_if_right(user, form.password.data, utcnow()):
            return redirect(signing_in.after_password(request.args.get("next")))
        failed = True
    status = 400 if failed or form.errors else 200
    return render_template("auth/login.html", form=form, failed=failed), status


def lock_limits() -> lockout.Limits:
    return lockout.Limits.from_config(current_app.config)


def sign_in_if_right(user: StaffUser | None, password: str, now) -> bool:
    """Sign the user in when the password is right; count and record the failure otherwise.

    Every answer spends one password hash (an unknown email or a locked address checks a dummy
    one), so the time taken tells nothing about which emails are accounts or locked."""
    address = request.remote_addr or ""
    if user is not None and not lockout.reserve_try(
        db.session, user.id, address, now, lock_limits()
    ):
        verify_password(None, password)
        # Not even the right password while locked: guessing gains nothing from this address.
        record(
            "staff.sign_in_failed", staff_id=user.id, details={"address": address, "why": "locked"}
        )
        db.session.commit()
        return False
    password_ok = verify_password(user.password_hash if user else None, password)
    if user and user.active and password_ok and signing_in.may_use_password(user):
        signing_in.accept_password(user, now)
        return True
    details = {"address": address}
    if user is not None:
        details["failures"] = lockout.count_failure(
            db.session, user.id, address, now, lock_limits()
        )
    record("staff.sign_in_failed", staff_id=user.id if user else None, details=details)
    db.session.commit()
    return False


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        record("staff.sign_out", staff_id=current_user.id)
    single_sign_on = session.get(signing_in.SIGN_IN_METHOD_KEY) == "oidc"
    sessions.end(session.get(STAFF_SESSION_KEY))
    db.session.commit()
    logout_user()
    signing_in.clear_session()
    if single_sign_on:
        from .sso_views import SIGNED_OUT_KEY

        session[SIGNED_OUT_KEY] = True
        return redirect(url_for("auth.signed_out"))
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.route("/language/<lang>")
def language(lang: str):
    """Staff pages have no language in their path: keep the choice in the session."""
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(safe_next(request.args.get("next")) or url_for("auth.login"))

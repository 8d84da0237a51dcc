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
        now = utcnow()
        if user and lockout.is_locked(user.locked_until, now):
            # Not even the right password while locked: guessing gains nothing from any address.
            record(
                "staff.sign_in_failed",
                staff_id=user.id,
                details={"address": request.remote_addr, "why": "locked"},
            )
            db.session.commit()
            failed = True
        elif sign_in_if_right(user, form.password.data, now):
            return redirect(signing_in.after_password(request.args.get("next")))
        else:
            failed = True
    status = 400 if failed or form.errors else 200
    return render_template("auth/login.html", form=form, failed=failed), status


def sign_in_if_right(user: StaffUser | None, password: str, now) -> bool:
    """Sign the user in when the password is right; count and record the failure otherwise."""
    password_ok = verify_password(user.password_hash if user else None, password)
    if user and user.active and password_ok and signing_in.may_use_password(user):
        signing_in.accept_password(user, now)
        return True
    details = {"address": request.remote_addr}
    if user is not None:
        config = current_app.config
        failures = lockout.count_failure(user.id)
        user.locked_until = lockout.locked_until(
            failures,
            now,
            after=int(config["SIGN_IN_LOCK_AFTER"]),
            minutes=float(config["SIGN_IN_LOCK_MINUTES"]),
            max_minutes=float(config["SIGN_IN_LOCK_MAX_MINUTES"]),
        )
        details["failures"] = failures
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

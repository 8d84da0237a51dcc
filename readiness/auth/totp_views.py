"""Two-factor for password sign-in: the second step (/auth/totp) and enrolment
(/auth/totp/enrol). The codes themselves are checked in readiness.auth.totp."""

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import _
from flask_login import current_user

from ..audit import record
from ..extensions import db, limiter
from ..models import utcnow
from . import bp, signing_in, totp
from .forms import SecondStepForm


@bp.route("/totp", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def totp_step():
    """The code from the person's app (or a recovery code) after a right password."""
    now = utcnow()
    user = signing_in.pending_second_step(now)
    if user is None:
        session.pop(signing_in.SECOND_STEP_KEY, None)
        return redirect(url_for("auth.login"))
    form = SecondStepForm()
    failed = False
    if form.validate_on_submit():
        if not signing_in.reserve_code_try(user, now):
            record(
                "staff.sign_in_failed",
                staff_id=user.id,
                details={"address": request.remote_addr, "why": "locked"},
            )
            db.session.commit()
            failed = True
        elif signing_in.check_second_factor(user, form.code.data, now):
            signing_in.start_session(user, "password+totp", now)
            return redirect(signing_in.next_page(user))
        else:
            failures = signing_in.count_wrong_code(user, now)
            record(
                "staff.sign_in_failed",
                staff_id=user.id,
                details={"address": request.remote_addr, "why": "code", "failures": failures},
            )
            db.session.commit()
            failed = True
    status = 400 if failed or form.errors else 200
    return render_template("auth/totp.html", form=form, failed=failed), status


@bp.route("/totp/enrol", methods=["GET", "POST"])
def totp_enrol():
    """Set up the authenticator app: a QR code (and the secret as text), confirmed by a code."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    user = current_user
    method = session.get(signing_in.SIGN_IN_METHOD_KEY, "password")
    if method == "oidc" or user.totp_enabled_at is not None:
        return redirect(signing_in.next_page(user))
    if user.totp_secret is None:
        user.totp_secret = totp.new_secret()
        db.session.commit()
    form = SecondStepForm()
    now = utcnow()
    if form.validate_on_submit():
        step = totp.matching_step(user.totp_secret, form.code.data, now, None)
        if step is not None:
            user.totp_enabled_at = now
            user.totp_last_step = step
            codes = signing_in.replace_recovery_codes(user)
            session[signing_in.SIGN_IN_METHOD_KEY] = "password+totp"
            record("staff.totp_enrolled", staff_id=user.id)
            db.session.commit()
            return render_template(
                "auth/recovery_codes.html", codes=codes, next_url=signing_in.next_page(user)
            )
        form.code.errors.append(_("That code is not right. Type the code your app shows now."))
    issuer = current_app.config["SERVICE_NAME_EN"]
    uri = totp.provisioning_uri(user.totp_secret, user.email, issuer)
    status = 400 if form.errors else 200
    return render_template(
        "auth/totp_enrol.html",
        form=form,
        qr_svg=totp.qr_svg(uri, _("QR code to scan with your authenticator app")),
        secret=totp.grouped(user.totp_secret),
        required=signing_in.totp_required(user),
    ), status

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import _

from .. import throttle
from ..audit import record
from ..checks.codes import display_code, normalize_code
from ..extensions import db, limiter
from ..models import utcnow
from . import bp
from .forms import CodeForm, StartForm
from .joining import join_by_code
from .journey import STEP_NAMES, step_url
from .session_check import check_required, remember_check, start_check

CODE_FAILURES = "code-failures"  # one counter for the whole service


@bp.route("/")
def start():
    return render_template(
        "patient/start.html",
        start_form=StartForm(),
        code_form=CodeForm(),
        guidance_mbps=current_app.config["GUIDANCE_DOWNLOAD_MBPS"],
    )


@bp.route("/check/new", methods=["POST"])
def begin():
    """The start-check button: a new check for this browser."""
    form = StartForm()
    if not form.validate_on_submit():
        return redirect(url_for("patient.start"))
    check = start_check(g.lang)
    db.session.commit()
    remember_check(check)
    return redirect(step_url("connection"))


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CODE_RATE_LIMIT"], methods=["POST"])
def code():
    """Join a check the support desk started, or start a new attempt with an invitation's code."""
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        config = current_app.config
        reference = normalize_code(form.code.data)
        # Counted before the lookup (and given back when the code was right), so parallel
        # requests cannot all pass a check made before any of them was counted.
        if reference and not throttle.count(config["CODE_FAILURE_LIMIT"], CODE_FAILURES):
            # Too many wrong codes on the whole service: guessing stops for everyone a while.
            record("code.refused", details={"address": request.remote_addr, "why": "service"})
            db.session.commit()
            form.code.errors.append(
                _(
                    "Codes cannot be checked right now. Use the link in your invitation, "
                    "or call the support desk."
                )
            )
            return render_template("patient/code.html", form=form), 429
        joined = None
        if reference:
            joined = join_by_code(
                reference,
                g.lang,
                utcnow(),
                float(config["DESK_CODE_MINUTES"]),
                int(config["INVITATION_MAX_CHECKS"]),
            )
        if joined:
            throttle.give_back(config["CODE_FAILURE_LIMIT"], CODE_FAILURES)
            remember_check(joined)  # and forget any other check this browser held
            return redirect(url_for("patient.check"))
        if reference:
            # The address, never the code: a wrong code may be someone's real one mistyped.
            record("code.failed", details={"address": request.remote_addr})
            db.session.commit()
        form.code.errors.append(
            _(
                "This code does not work. A code from the support desk works once, for "
                "%(minutes)s minutes. Check it with the support desk and try again.",
                minutes=config["DESK_CODE_MINUTES"],
            )
            if reference
            else _("A code has 8 letters and numbers, for example K7PM-4QX9.")
        )
    if form.errors:
        status = 400
    return render_template("patient/code.html", form=form), status


@bp.route("/check")
@check_required
def check(check):
    """The patient's own check: its code and where each step stands."""
    done = {
        "connection": bool(check.connection_results),
        "devices": bool(check.device_results),
        "setting": bool(check.setting_answers),
        "summary": bool(check.consent_records),
        "consent": bool(check.consent_records),
        "contact": bool(check.contact_details),
    }
    steps = [(name, step_url(name), done[name]) for name in STEP_NAMES if name in done]
    return render_template(
        "patient/check.html", check=check, code=display_code(check.reference_code), steps=steps
    )

from flask import current_app, g, redirect, render_template, url_for
from flask_babel import _
from sqlalchemy import select

from ..checks.codes import display_code, normalize_code
from ..checks.invitations import is_open
from ..extensions import db, limiter
from ..models import Check, Invitation
from . import bp
from .forms import CodeForm, StartForm
from .journey import STEP_NAMES, step_url
from .session_check import check_required, remember_check, start_check


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
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def code():
    """Join a check whose code the support desk read out."""
    form = CodeForm()
    if form.validate_on_submit():
        reference = normalize_code(form.code.data)
        found = joined = None
        if reference:
            found = db.session.scalar(select(Check).where(Check.reference_code == reference))
            joined = found or check_for_invitation_code(reference)
        if joined:
            if joined.started_by_staff_id and joined.step == "start" and joined.language != g.lang:
                # The desk chose the language on the caller's word; the page they typed the
                # code on is their own choice, and the desk's scripts follow it.
                joined.language = g.lang
                db.session.commit()
            remember_check(joined)
            return redirect(url_for("patient.check"))
        form.code.errors.append(
            _("We could not find this code. Check it with the support desk and try again.")
            if reference
            else _("A code has 6 letters and numbers, for example K7P-4QX.")
        )
    status = 400 if form.errors else 200
    return render_template("patient/code.html", form=form), status


def check_for_invitation_code(code: str) -> Check | None:
    """A code printed on an invitation starts a new attempt for that invitation."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.code == code))
    if invitation is None or not is_open(invitation):
        return None
    check = start_check(g.lang, invitation=invitation)
    db.session.commit()
    return check


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

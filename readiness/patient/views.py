from flask import current_app, g, redirect, render_template, url_for
from flask_babel import _
from sqlalchemy import select

from ..codes import display_code, normalize_code
from ..extensions import db, limiter
from ..models import Check
from . import bp
from .forms import CodeForm, StartForm
from .session_check import current_check, remember_check, start_check


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
    return redirect(url_for("patient.check"))


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def code():
    """Join a check whose code the support desk read out."""
    form = CodeForm()
    if form.validate_on_submit():
        reference = normalize_code(form.code.data)
        found = None
        if reference:
            found = db.session.scalar(select(Check).where(Check.reference_code == reference))
        if found:
            remember_check(found)
            return redirect(url_for("patient.check"))
        form.code.errors.append(
            _("We could not find this code. Check it with the support desk and try again.")
            if reference
            else _("A code has 6 letters and numbers, for example K7P-4QX.")
        )
    status = 400 if form.errors else 200
    return render_template("patient/code.html", form=form), status


@bp.route("/check")
def check():
    """The patient's own check: its code and its steps."""
    check = current_check()
    if check is None:
        return redirect(url_for("patient.start"))
    return render_template(
        "patient/check.html", check=check, code=display_code(check.reference_code)
    )

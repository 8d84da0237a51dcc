"""Continue on your phone: the computer shows a QR code and waits; the phone opens the link and
takes the same check over (readiness.patient.handover holds the rules)."""

from flask import current_app, jsonify, redirect, render_template, session, url_for
from flask_babel import _

from .. import throttle
from ..audit import record
from ..checks import state
from ..extensions import db, limiter
from ..models import Check, utcnow
from ..vocabulary import Verdict
from . import bp
from .forms import HandoverForm, StartForm
from .handover import (
    EXPIRED,
    OPEN,
    USED,
    create_link,
    display_token,
    find_link,
    latest_link,
    link_state,
    phone_could_help,
    progress,
    qr_svg,
    take_link,
)
from .json_answers import patient_json_error
from .session_check import (
    HANDOVER_KEY,
    check_required,
    current_check,
    on_phone,
    remember_check,
    seen,
)

# Where the computer's page goes once the phone has done the device step.
NEXT_STEP = {"devices": "patient.setting", "summary": "patient.summary"}


def offer_on_summary(check: Check, verdict: str | None) -> bool:
    """The summary offers the phone when video is ruled out by a missing or blocked camera or
    microphone on this device."""
    devices = {kind: (row.status, row.reason) for kind, row in state.latest_devices(check).items()}
    return verdict == Verdict.NOT_READY and not on_phone() and phone_could_help(devices)


def handover_page(back: str, **context):
    """The computer's page: the code and its link (or why there is none), then the wait."""
    return render_template(
        "patient/handover.html",
        back=back,
        back_url=url_for(f"patient.{back}"),
        next_url=url_for(NEXT_STEP[back]),
        minutes=current_app.config["HANDOVER_MINUTES"],
        **context,
    )


@bp.route("/check/handover", methods=["POST"])
@limiter.limit(lambda: current_app.config["HANDOVER_RATE_LIMIT"])
@check_required
def handover_start(check):
    """A new link for this check, shown as a QR code and written out; the page then waits."""
    form = HandoverForm()
    if not form.validate_on_submit():
        return redirect(url_for("patient.devices"))
    config = current_app.config
    if not throttle.count(config["HANDOVER_CHECK_LIMIT"], "handover", check.public_id):
        return handover_page(form.back.data, too_many=True), 429
    link, token = create_link(check, utcnow(), float(config["HANDOVER_MINUTES"]))
    record("handover.created", check_id=check.id)
    seen(check)
    db.session.commit()
    url = url_for("patient.handover_open", token=token, _external=True)
    written = url_for("patient.handover_open", token=display_token(token), _external=True)
    return handover_page(
        form.back.data,
        url=url,
        written=written.removeprefix("https://"),
        qr=qr_svg(url, _("QR code of the link written below")),
    )


@bp.route("/check/handover/status")
def handover_status():
    """What the computer's page polls: has the phone taken over, and finished the devices?"""
    check = current_check()
    if check is None:
        return patient_json_error(403, "no_check")
    found = progress(latest_link(check), utcnow())
    return jsonify(state=found.state, devices_done=found.kinds_done)


def closed_link(why: str):
    """A used or expired (or unknown) link: said in words, with a way on."""
    check = current_check()
    return render_template(
        "patient/handover_closed.html",
        why=why,
        holds_check=check is not None,
        minutes=current_app.config["HANDOVER_MINUTES"],
    ), 410 if why == USED else 404


@bp.route("/h/<token>")
@limiter.limit(lambda: current_app.config["HANDOVER_OPEN_RATE_LIMIT"])
def handover_open(token: str):
    """The phone opened the link: it asks before taking the check (a preview cannot use it)."""
    link = find_link(token)
    why = link_state(link, utcnow())
    if why != OPEN:
        return closed_link(why)
    return render_template("patient/handover_phone.html", form=StartForm())


@bp.route("/h/<token>", methods=["POST"])
@limiter.limit(lambda: current_app.config["HANDOVER_OPEN_RATE_LIMIT"])
def handover_take(token: str):
    """This browser takes the check over: a session of its own, then the device step."""
    if not StartForm().validate_on_submit():
        return redirect(url_for("patient.handover_open", token=token))
    link = find_link(token)
    now = utcnow()
    if link is None or link_state(link, now) != OPEN or not take_link(link, now):
        db.session.rollback()
        if link is None:
            return closed_link(EXPIRED)
        db.session.refresh(link)
        why = link_state(link, now)
        record("handover.refused", check_id=link.check_id, details={"why": why})
        db.session.commit()
        return closed_link(why)
    record("handover.used", check_id=link.check_id)
    db.session.commit()
    remember_check(db.session.get(Check, link.check_id))  # a new session token: no fixation
    session[HANDOVER_KEY] = True
    return redirect(url_for("patient.devices"))

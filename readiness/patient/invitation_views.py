"""Invitation links (/<lang>/i/<token>): greet the patient, start or repeat their check."""

from flask import current_app, g, redirect, render_template, url_for

from ..checks.attempts import link_attempts
from ..checks.codes import display_code
from ..checks.invitations import find_by_token, is_open
from ..extensions import db
from ..locale import institution_zone
from . import bp
from .forms import StartForm
from .journey import step_url
from .session_check import remember_check, start_check


def open_invitation(token: str):
    """The invitation if its link still works; None for unknown, expired or used-up links."""
    invitation = find_by_token(token)
    if invitation is None or not is_open(invitation):
        return None
    # Attempts started with the code do not count: a code holder cannot use up the link.
    if len(link_attempts(invitation.checks)) >= current_app.config["INVITATION_MAX_CHECKS"]:
        return None
    return invitation


def closed_link():
    # The same page and status whatever the reason: a link reveals nothing about others.
    return render_template("patient/invitation_closed.html"), 404


@bp.route("/i/<token>")
def invitation(token: str):
    found = open_invitation(token)
    if found is None:
        return closed_link()
    latest = found.checks[-1] if found.checks else None
    return render_template(
        "patient/invitation.html",
        invitation=found,
        appointment_at=found.appointment_at.astimezone(institution_zone()),
        latest=latest,
        latest_code=display_code(latest.reference_code) if latest else None,
        form=StartForm(),
    )


@bp.route("/i/<token>", methods=["POST"])
def invitation_start(token: str):
    """Start a new attempt for this invitation; earlier ones are kept, the latest counts."""
    found = open_invitation(token)
    if found is None:
        return closed_link()
    form = StartForm()
    if not form.validate_on_submit():
        return redirect(url_for("patient.invitation", token=token))
    check = start_check(g.lang, invitation=found)
    db.session.commit()
    remember_check(check)
    return redirect(step_url("connection"))

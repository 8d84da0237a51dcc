"""/desk/outreach: the visits at risk, a patient's number on demand (audited), each call."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user
from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import Invitation, OutreachCall, utcnow
from . import bp, outreach
from .forms import CallForm


@bp.route("/outreach")
def outreach_list():
    days = outreach.days_from(request.args.get("days"))
    found = outreach.rows(utcnow(), days)
    return render_template("desk/outreach.html", rows=found, days=days)


def find_row(public_id: str) -> outreach.OutreachRow:
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.public_id == public_id)
        .options(*outreach.with_everything())
    )
    if invitation is None:
        abort(404)
    return outreach.row_for(invitation)


@bp.route("/outreach/<public_id>", methods=["GET", "POST"])
def outreach_visit(public_id: str):
    """One visit: the number to call (its reading audited), and what came of each call."""
    row = find_row(public_id)
    form = CallForm()
    if request.method == "POST":
        if form.validate_on_submit():
            db.session.add(
                OutreachCall(
                    invitation_id=row.invitation.id,
                    staff_id=current_user.id,
                    result=form.result.data,
                )
            )
            record(
                "desk.outreach_call",
                staff_id=current_user.id,
                invitation_id=row.invitation.id,
                details={"result": form.result.data},
            )
            db.session.commit()
            flash(_("Call recorded."))
            return redirect(url_for("desk.outreach_list"))
        status = 400
    else:
        status = 200
    record(
        "desk.outreach_contact_viewed",
        staff_id=current_user.id,
        invitation_id=row.invitation.id,
        check_id=row.latest.id if row.latest else None,
    )
    db.session.commit()
    page = render_template(
        "desk/outreach_visit.html", row=row, form=form, number=outreach.number_to_call(row)
    )
    return page, status

"""The patients' messages that are waiting or did not go, for admins, with "Try again"."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from ..models import Notification, utcnow
from ..vocabulary import NotificationStatus
from . import bp
from .forms import RetryForm

SHOWN = 100
PENDING, FAILED = NotificationStatus.PENDING, NotificationStatus.FAILED


@bp.route("/patient-messages")
def patient_messages():
    """Failed messages first, then those waiting after a failed try; never an address."""
    troubled = db.session.scalars(
        select(Notification)
        .where(
            (Notification.status == FAILED)
            | ((Notification.status == PENDING) & (Notification.attempts > 0))
        )
        .order_by(Notification.status != FAILED, Notification.id.desc())
        .options(selectinload(Notification.invitation))
        .limit(SHOWN)
    ).all()
    counts = dict(
        db.session.execute(
            select(Notification.status, func.count(Notification.id)).group_by(Notification.status)
        ).all()
    )
    return render_template(
        "admin/patient_messages.html", messages=troubled, counts=counts, form=RetryForm()
    )


@bp.route("/patient-messages/<public_id>/retry", methods=["POST"])
def retry_patient_message(public_id: str):
    if not RetryForm().validate_on_submit():
        abort(400)
    message = db.session.scalar(select(Notification).where(Notification.public_id == public_id))
    if message is None or message.status not in (PENDING, FAILED):
        abort(404)
    message.status = PENDING
    message.due_at = utcnow()
    message.first_attempt_at = None  # a new window of retries
    message.finished_at = None
    record(
        "notify.retry",
        staff_id=current_user.id,
        invitation_id=message.invitation_id,
        details={"message": message.public_id},
    )
    db.session.commit()
    flash(_("The message will be sent again on the next run."))
    return redirect(url_for("admin.patient_messages"))

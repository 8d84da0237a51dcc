"""Undeliverable and failing handoff messages, their attempts, and "Retry now"."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user
from sqlalchemy import func, select

from ..audit import record
from ..extensions import db
from ..handoff import error_words, event_labels
from ..handoff.deliver import retry_now
from ..models import DeliveryAttempt, OutboxMessage
from . import bp
from .forms import RetryForm

SHOWN = 100


@bp.route("/")
def index():
    return redirect(url_for("admin.handoff"))


@bp.route("/handoff")
def handoff():
    """Messages that gave up, or that failed at least once and are waiting for a retry."""
    troubled = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.attempts > 0)
        .order_by(OutboxMessage.gave_up_at.is_(None), OutboxMessage.id)
        .limit(SHOWN)
    ).all()
    attempts = {}
    for message in troubled:
        attempts[message.id] = db.session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.message_id == message.id)
            .order_by(DeliveryAttempt.at.desc())
            .limit(5)
        ).all()
    waiting = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.delivered_at.is_(None))
    )
    return render_template(
        "admin/handoff.html",
        messages=troubled,
        attempts=attempts,
        waiting=waiting,
        form=RetryForm(),
        event_label=event_labels.label,
        error_gloss=error_words.gloss,
    )


@bp.route("/handoff/<int:message_id>/retry", methods=["POST"])
def retry(message_id: int):
    if not RetryForm().validate_on_submit():
        abort(400)
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.delivered_at is not None:
        abort(404)
    retry_now(message)
    record(
        "handoff.retry",
        staff_id=current_user.id,
        check_id=message.check_id,
        details={"delivery_id": message.delivery_id},
    )
    db.session.commit()
    flash(_("The message will be sent again on the deliverer's next run."))
    return redirect(url_for("admin.handoff"))

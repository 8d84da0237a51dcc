"""A patient stops the reminders for a visit: the email's link (a page, then a button, so a mail
scanner that follows links stops nothing), or a text message reply of STOP."""

import base64
import hashlib
import hmac

from flask import Blueprint, abort, current_app, g, render_template, request
from itsdangerous import BadSignature
from sqlalchemy import select

from ..audit import record
from ..data_keys import normalise_phone
from ..encrypted import keyring
from ..extensions import csrf, db, limiter
from ..forms import Form
from ..models import Invitation, Notification, utcnow
from ..vocabulary import NotificationStatus
from .compose import stop_serializer
from .queue import finish

bp = Blueprint("notify", __name__)
STOP_WORDS = {"STOP", "ARRET", "ARRÊT", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOPALL"}


def notification_for(token: str) -> Notification:
    try:
        public_id = stop_serializer().loads(token)
    except BadSignature:
        abort(404)
    notification = db.session.scalar(
        select(Notification).where(Notification.public_id == str(public_id))
    )
    if notification is None:
        abort(404)
    return notification


def stop_reminders(invitation: Invitation, how: str) -> None:
    if invitation.reminders_stopped_at is None:
        invitation.reminders_stopped_at = utcnow()
        record("notify.stopped", invitation_id=invitation.id, details={"how": how})


@bp.route("/<any(en,fr):lang>/reminders/stop/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def stop(lang: str, token: str):
    g.lang = lang
    notification = notification_for(token)
    form = Form()
    done = notification.invitation.reminders_stopped_at is not None
    if request.method == "POST" and form.validate_on_submit():
        stop_reminders(notification.invitation, "email_link")
        db.session.commit()
        done = True
    return render_template("notify/stop.html", form=form, done=done)


def twilio_signature(token: str, url: str, form: dict) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted fields."""
    data = url + "".join(f"{key}{form[key]}" for key in sorted(form))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_by_provider() -> dict:
    """The provider's form, after checking its signature (404 when SMS is not set up)."""
    token = current_app.config.get("SMS_TOKEN")
    if not token:
        abort(404)
    fields = request.form.to_dict()
    expected = twilio_signature(token, request.url, fields)
    if not hmac.compare_digest(expected, request.headers.get("X-Twilio-Signature", "")):
        abort(403)
    return fields


@bp.route("/notify/sms/status", methods=["POST"])
@csrf.exempt
@limiter.limit("600 per minute")
def sms_status():
    """The provider's later word on a message: `undelivered` or `failed` means it bounced."""
    fields = signed_by_provider()
    status = fields.get("MessageStatus", "")
    notification = db.session.scalar(
        select(Notification).where(Notification.provider_id == fields.get("MessageSid", "")[:64])
    )
    bounced = status in ("undelivered", "failed")
    if notification is not None and bounced and notification.status == "sent":
        code = fields.get("ErrorCode", "")
        notification.last_error = f"provider_{code}" if code.isdigit() else "bounced"
        finish(db.session, notification, NotificationStatus.FAILED, utcnow())
        db.session.commit()
    return "", 204


@bp.route("/notify/sms/inbound", methods=["POST"])
@csrf.exempt
@limiter.limit("60 per minute")
def sms_inbound():
    """The provider posts the patient's replies here; STOP ends the reminders for every
    upcoming visit of that number."""
    fields = signed_by_provider()
    words = fields.get("Body", "").strip().upper()
    if words in STOP_WORDS:
        indexes = keyring().blind_indexes(normalise_phone(fields.get("From", "")))
        upcoming = db.session.scalars(
            select(Invitation).where(
                Invitation.phone_index.in_(indexes), Invitation.appointment_at > utcnow()
            )
        )
        for invitation in upcoming:
            stop_reminders(invitation, "sms_reply")
        db.session.commit()
    return current_app.response_class(
        '<?xml version="1.0" encoding="UTF-8"?><Response/>', mimetype="text/xml"
    )

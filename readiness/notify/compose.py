"""The words of each message, in the invitation's language: an email (plain text and HTML) or a
text message of at most 160 characters."""

from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from zoneinfo import ZoneInfo

from flask import current_app, g, render_template, url_for
from flask_babel import force_locale
from itsdangerous import URLSafeSerializer

from ..checks.codes import display_code
from ..csrf import origin_of
from ..locale import FORMAT_LOCALES
from ..models import Invitation, Notification

SMS_LIMIT = 160
STOP_SALT = "readiness.notify.stop"


def stop_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STOP_SALT)


def stop_url(notification: Notification) -> str:
    """The email's unsubscribe link: a signed id, good for this invitation's reminders only."""
    token = stop_serializer().dumps(notification.public_id)
    return url_for(
        "notify.stop", lang=notification.invitation.language, token=token, _external=True
    )


def site_url(notification: Notification, path: str) -> str:
    """An address on this site, from the link the message carries (no request around)."""
    return (origin_of(notification.link or "") or "http://localhost") + path


def words(notification: Notification) -> dict:
    invitation: Invitation = notification.invitation
    language = invitation.language.upper()
    return {
        "kind": notification.kind,
        "invitation": invitation,
        "link": notification.link,
        "code": display_code(invitation.code),
        "institution": current_app.config[f"INSTITUTION_NAME_{language}"],
        "service": current_app.config[f"SERVICE_NAME_{language}"],
        "support_hours": current_app.config[f"SUPPORT_HOURS_{language}"],
    }


def in_language(notification: Notification, render):
    """Render in the invitation's language, with URLs on the site the link points at (the
    deliverer runs outside any request)."""
    base = origin_of(notification.link or "") or "http://localhost"
    language = FORMAT_LOCALES[notification.invitation.language]
    with current_app.test_request_context(base_url=base), force_locale(language):
        saved = g.get("patient_zone")
        g.patient_zone = patient_zone(notification.invitation, current_app.config)
        try:
            return render()
        finally:
            g.patient_zone = saved


def patient_zone(invitation: Invitation, config) -> ZoneInfo:
    """The patient's zone when the scheduling module gave it, else the institution's."""
    return ZoneInfo(invitation.time_zone or config["TIMEZONE"])


def email_message(notification: Notification) -> EmailMessage:
    def render():
        context = words(notification) | {"stop_url": stop_url(notification)}
        subject = render_template("notify/email_subject.html", **context).strip()
        text = render_template("notify/email_text.html", **context).strip() + "\n"
        html = render_template("notify/email.html", **context)
        return subject, text, html

    subject, text, html = in_language(notification, render)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((words_institution(notification), current_app.config["MAIL_FROM"]))
    message["To"] = notification.recipient
    message["Message-ID"] = make_msgid(domain="readiness")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = notification.invitation.language  # set_content clears it
    return message


def words_institution(notification: Notification) -> str:
    return current_app.config[f"INSTITUTION_NAME_{notification.invitation.language.upper()}"]


def text_message(notification: Notification) -> str:
    """At most 160 characters: the help line goes first, then the STOP hint, when the link
    leaves no room (a reply of STOP works all the same)."""

    def render():
        context = words(notification)
        for with_help, with_stop in ((True, True), (False, True), (False, False)):
            text = render_template(
                "notify/sms.html", **context, with_help=with_help, with_stop=with_stop
            )
            text = " ".join(text.split())
            if len(text) <= SMS_LIMIT:
                break
        return text

    return in_language(notification, render)

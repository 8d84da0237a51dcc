"""The app's side of the queue: senders from the settings, plan with an invitation, send."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from ..extensions import db
from ..handoff.schedule import RetrySchedule
from ..models import Invitation, Notification, utcnow
from . import compose, queue
from .channels import SmtpRelay, TwilioMessages


def configured_channels(config) -> set[str]:
    channels = set()
    if config.get("SMTP_URL") and config.get("MAIL_FROM"):
        channels.add("email")
    if all(config.get(key) for key in ("SMS_URL", "SMS_ACCOUNT", "SMS_TOKEN", "SMS_FROM")):
        channels.add("sms")
    return channels


def senders(config) -> dict:
    """channel -> send(notification); a channel without settings is left out (its messages
    then wait, retried, and fail with `channel_not_configured`)."""
    out = {}
    if "email" in configured_channels(config):
        relay = SmtpRelay.from_url(config["SMTP_URL"])
        out["email"] = lambda notification: relay.send(compose.email_message(notification))
    if "sms" in configured_channels(config):
        provider = TwilioMessages(
            config["SMS_URL"], config["SMS_ACCOUNT"], config["SMS_TOKEN"], config["SMS_FROM"]
        )
        out["sms"] = lambda notification: provider.send(
            notification.recipient,
            compose.text_message(notification),
            compose.site_url(notification, "/notify/sms/status"),
        )
    return out


def schedule(config) -> RetrySchedule:
    return RetrySchedule(
        base_seconds=float(config["HANDOFF_RETRY_BASE_SECONDS"]),
        max_delay_seconds=float(config["HANDOFF_RETRY_MAX_SECONDS"]),
        give_up_after=timedelta(hours=float(config["NOTIFY_GIVE_UP_AFTER_HOURS"])),
    )


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def plan_messages(invitation: Invitation, link: str, channels) -> list[Notification]:
    """Plan the invitation's messages in the caller's transaction; it commits."""
    return queue.plan(
        db.session,
        invitation,
        link,
        sorted(set(channels)),
        now=utcnow(),
        hours_before=float(current_app.config["REMINDER_HOURS_BEFORE"]),
        zone=zone(),
    )


def send_due(now: datetime | None = None) -> queue.Report:
    config = current_app.config
    return queue.send_due(db.session, senders(config), schedule(config), zone(), now=now)

"""A message's status in words for staff pages: sent, waiting, or why it failed or was skipped."""

from flask_babel import lazy_gettext as _l

STATUS = {
    "pending": _l("Waiting to be sent"),
    "sent": _l("Sent"),
    "failed": _l("Not sent"),
    "skipped": _l("Not needed"),
}
REASONS = {
    "address_refused": _l("the mail server refused the address"),
    "bounced": _l("the message could not be delivered"),
    "provider_30003": _l("the phone could not be reached"),
    "provider_30005": _l("the number does not exist"),
    "provider_30006": _l("the number cannot receive text messages"),
    "provider_21211": _l("the number cannot receive text messages"),
    "provider_21610": _l("the patient replied STOP"),
    "provider_21614": _l("the number cannot receive text messages"),
    "relay_unreachable": _l("the mail server could not be reached"),
    "provider_unreachable": _l("the text message service could not be reached"),
    "channel_not_configured": _l("this channel is not set up on the service"),
    "check_finished": _l("the patient finished the check"),
    "not_needed": _l("the last check was ready"),
    "unsubscribed": _l("the patient stopped the reminders"),
    "visit_passed": _l("the visit has passed"),
    "invitation_revoked": _l("the invitation was withdrawn"),
    "erased": _l("the patient's data was erased"),
}


def message_status(notification) -> str:
    """'Sent', 'Not sent: the mail server refused the address', …"""
    status = str(STATUS.get(notification.status, notification.status))
    reason = notification.last_error
    if notification.status in ("failed", "skipped", "pending") and reason:
        words = REASONS.get(reason)
        if words is None:
            words = _l("refused by the provider (%(code)s)", code=reason)
        return _l("%(status)s: %(reason)s", status=status, reason=words)
    return status

"""Why a message to the scheduling module was not delivered, in the admin's language.

The deliverer records the raw error (an English exception or « HTTP 503 »): it is what an
engineer searches for, so the page keeps it, after a gloss in words for the common cases.
"""

import re

from flask_babel import gettext as _

# (what the raw error contains, the words for it), the first match wins.
NETWORK = (
    (("Connection refused", "Errno 111", "ConnectionRefusedError"), "refused"),
    (("timed out", "TimeoutError", "timeout"), "timeout"),
    (
        (
            "Name or service not known",
            "nodename nor servname",
            "getaddrinfo",
            "Errno -2",
            "Errno -3",
        ),
        "dns",
    ),
    (("CERTIFICATE_VERIFY_FAILED", "SSL", "certificate"), "certificate"),
    (("Network is unreachable", "No route to host", "Errno 101", "Errno 113"), "unreachable"),
    (("Connection reset", "RemoteDisconnected", "BrokenPipe", "Errno 104"), "closed"),
    (("Could not build the body",), "body"),
)
HTTP = re.compile(r"^HTTP (\d{3})$")


def network_words(kind: str) -> str:
    return {
        "refused": _("The scheduling module refused the connection."),
        "timeout": _("The scheduling module did not answer in time."),
        "dns": _("The scheduling module's address could not be found (DNS)."),
        "certificate": _("The scheduling module's certificate was not accepted."),
        "unreachable": _("No network route to the scheduling module."),
        "closed": _("The scheduling module closed the connection before answering."),
        "body": _("The message could not be prepared for sending."),
    }[kind]


def http_words(code: int) -> str:
    if 300 <= code < 400:
        return _(
            "The scheduling module answered with a redirect, not followed (HTTP %(code)s).",
            code=code,
        )
    if code in (401, 403):
        return _(
            "The scheduling module refused the message's signature or access (HTTP %(code)s).",
            code=code,
        )
    if code == 404:
        return _("Nothing answers at the scheduling module's address (HTTP %(code)s).", code=code)
    if 400 <= code < 500:
        return _("The scheduling module refused the message (HTTP %(code)s).", code=code)
    if 500 <= code < 600:
        return _("The scheduling module had an error on its side (HTTP %(code)s).", code=code)
    return _("The scheduling module gave an unexpected answer (HTTP %(code)s).", code=code)


def gloss(error: str | None) -> tuple[str, str | None] | None:
    """(the words, the raw error to show beside them or None when the words already say it);
    None when there is no error."""
    if not error:
        return None
    status = HTTP.match(error.strip())
    if status:
        return http_words(int(status.group(1))), None
    for needles, kind in NETWORK:
        if any(needle.lower() in error.lower() for needle in needles):
            return network_words(kind), error
    return _("The message could not be delivered."), error

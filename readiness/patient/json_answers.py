"""The patient's JSON endpoints: reading the browser's body, and errors in the page's language.

The message is for the patient (the page may show it); `detail` says, in English, what was wrong
for whoever reads the browser's console.
"""

from flask import jsonify, make_response, request
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "invalid_json": _l(
        "What this page sent is not JSON the service can read. Reload the page and try again."
    ),
    "invalid_report": _l(
        "This page sent a result the service cannot record. Reload the page and try again."
    ),
    "invalid_result": _l(
        "This page sent a result the service cannot record. Reload the page and try again."
    ),
    "no_check": _l("This browser has no check in progress. Start the check from the home page."),
    "too_many_results": _l(
        "This page sent too many results in a short time. Wait a minute, then try again."
    ),
}


class UnreadableBody(Exception):
    """The body is not JSON we accept (malformed, too deep, not finite)."""


def json_body():
    """The request's JSON (any content type), or UnreadableBody."""
    payload = request.get_json(force=True, silent=True)
    if payload is None:
        raise UnreadableBody
    return payload


def patient_json_error(status: int, code: str, detail: str = "", field: str | None = None):
    error = {"code": code, "message": str(MESSAGES[code])}
    if detail:
        error["detail"] = detail
    if field:
        error["field"] = field
    return make_response(jsonify(error=error), status)

"""Error pages in the visitor's language; JSON for the machine-facing blueprints."""

from flask import jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .request_log import log_failure

MACHINE_PREFIXES = ("/api/", "/probe/")

MESSAGES = {
    400: (_l("Something in the request was not right"), _l("Please go back and try again.")),
    403: (
        _l("You do not have access to this page"),
        _l("Your account cannot open this page. If you think it should, ask your administrator."),
    ),
    404: (
        _l("We cannot find this page"),
        _l("Check the address, or start again from the home page."),
    ),
    405: (_l("This action is not possible here"), _l("Please go back and try again.")),
    413: (
        _l("What was sent is too large"),
        _l("Please go back and send something smaller."),
    ),
    414: (
        _l("This address is too long"),
        _l("Check the address, or start again from the home page."),
    ),
    431: (
        _l("Your browser sent too much with this request"),
        _l("Clear this site's cookies in your browser, then start again from the home page."),
    ),
    429: (
        _l("Too many tries in a short time"),
        _l("Please wait a minute, then try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Please try again in a few minutes. If it keeps happening, call the support desk."),
    ),
}

CSRF_MESSAGE = (
    _l("This page was open too long"),
    _l("For your security, the form expired. Please go back, reload the page and try again."),
)


def json_error(status: int, code: str, message: str):
    """The machine-facing error: a stable code and a message, as JSON."""
    return make_response(jsonify(error={"code": code, "message": message}), status)


def render_error(status: int, title, detail):
    if request.path.startswith(MACHINE_PREFIXES):
        code = {
            429: "rate_limited",
            413: "too_large",
            414: "uri_too_long",
            431: "headers_too_large",
        }.get(status, f"http_{status}")
        return json_error(status, code, str(title))
    page = render_template("errors/error.html", status=status, title=title, detail=detail)
    return make_response(page, status)


def handle_http_error(error: HTTPException):
    status = error.code or 500
    title, detail = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    response = render_error(status, title, detail)
    if status == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_csrf_error(error: CSRFError):
    return render_error(400, *CSRF_MESSAGE)


def handle_unexpected(error: Exception):
    # The request id and the exception's class: never the path (invitation paths carry
    # tokens) nor the message (a database error quotes the values it refused).
    log_failure(error)
    return handle_http_error(InternalServerError())


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)

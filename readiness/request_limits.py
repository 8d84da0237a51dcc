"""Oversized request lines and headers, answered with our own page in the visitor's language.

Gunicorn refuses a request line over its `limit_request_line` (at most 8190 bytes) with its own
plain English page, before the app sees anything. So gunicorn.conf.py sets its limits to the
highest it allows and the app refuses from a lower limit, with the translated error page:
every request that reaches gunicorn's limit has gone past ours first, and no browser following
our own links comes near either.
"""

from flask import abort, request

MAX_REQUEST_TARGET = 4096  # bytes of path and query
MAX_HEADER_BYTES = 8192  # all header names and values together


def refuse_oversized() -> None:
    target = request.environ.get("RAW_URI") or request.full_path
    if len(target) > MAX_REQUEST_TARGET:
        abort(414)
    size = sum(len(name) + len(value) for name, value in request.headers.items())
    if size > MAX_HEADER_BYTES:
        abort(431)


def init_app(app) -> None:
    # Registered before the session, language and database work of the other hooks.
    app.before_request(refuse_oversized)

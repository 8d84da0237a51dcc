"""One JSON line per request, and errors logged without the values that caused them.

What a line holds: a request id (also sent back as X-Request-ID), the method, the route's
template (`/<any(en,fr):lang>/i/<token>`, never the path: invitation paths carry tokens), the
status and the duration. Never the query string, a form, a code, a token or an address.
"""

import json
import logging
import secrets
import sys
import time
import traceback

from flask import g, request

access_log = logging.getLogger("readiness.access")
error_log = logging.getLogger("readiness.errors")


def start_request() -> None:
    g.request_id = secrets.token_hex(8)
    g.request_started = time.perf_counter()


def request_id() -> str:
    return g.get("request_id", "-")


def log_request(response):
    """Log when the answer has been sent in full (a stream's duration counts)."""
    rule = request.url_rule
    entry = {
        "request_id": request_id(),
        "method": request.method,
        "route": rule.rule if rule is not None else None,
        "status": response.status_code,
    }
    started = g.get("request_started", time.perf_counter())

    def write_line():
        entry["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        access_log.info(json.dumps(entry))

    response.call_on_close(write_line)
    response.headers["X-Request-ID"] = entry["request_id"]
    return response


def log_failure(error: BaseException) -> None:
    """The request id, the endpoint, the exception's class and where it was raised: never its
    message, which can quote the values (a database error names the row it refused)."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    error_log.error(
        "request %s to %s failed: %s\n%s",
        request_id(),
        request.endpoint,
        f"{type(error).__module__}.{type(error).__qualname__}",
        frames,
    )


def init_app(app) -> None:
    app.before_request(start_request)
    app.after_request(log_request)
    for logger in (access_log, error_log):
        if not any(getattr(h, "readiness", False) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(message)s"))
            handler.readiness = True
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.disabled = False  # logging.config.fileConfig (Alembic's) disables existing ones

"""The operations endpoints, and the hooks that count every request."""

import time
from pathlib import Path

from flask import Blueprint, abort, current_app, g, jsonify, make_response, request
from sqlalchemy import func, select

from ..encrypted import KEYRING
from ..extensions import db, limiter
from ..models import OutboxMessage
from . import access, counting, metrics, readiness

bp = Blueprint("ops", __name__)
limiter.exempt(bp)

MIGRATIONS = str(Path(__file__).resolve().parent.parent.parent / "migrations")
_heads: set[str] | None = None


def code_heads() -> set[str]:
    global _heads
    if _heads is None:
        _heads = readiness.script_heads(MIGRATIONS)
    return _heads


@bp.route("/healthz")
def healthz():
    """The process answers: no database, nothing slow."""
    return plain("ok\n")


@bp.route("/readyz")
def readyz():
    """Ready to serve a patient: database, schema at head, data key, rate-limit storage."""
    engine = db.engine
    results = {"database": readiness.database(engine)}
    results["migrations"] = (
        readiness.migrations(engine, code_heads()) if results["database"] == "ok" else "unknown"
    )
    results["data_key"] = readiness.data_key(current_app.extensions.get(KEYRING))
    storage_check = None
    if current_app.config.get("RATELIMIT_ENABLED", True):
        storage_check = limiter.storage.check
    results["rate_limit_storage"] = readiness.rate_limit_storage(storage_check)
    ready = readiness.is_ready(results)
    failing = [name for name, value in results.items() if value not in ("ok", "disabled")]
    body = {"status": "ready" if ready else "not_ready", "checks": results, "failing": failing}
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/metrics")
def metrics_page():
    config = current_app.config
    allowed = access.networks(config.get("METRICS_ALLOW", access.DEFAULT_ALLOW))
    if not (
        access.address_allowed(request.remote_addr, allowed)
        or access.token_allowed(request.headers.get("Authorization"), config.get("METRICS_TOKEN"))
    ):
        abort(403)
    response = plain(metrics.exposition(outbox_backlog))
    response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
    return response


def outbox_backlog():
    """Messages not yet delivered (nor given up), and when the oldest of them was written."""
    pending = (OutboxMessage.delivered_at.is_(None), OutboxMessage.gave_up_at.is_(None))
    row = db.session.execute(
        select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(*pending)
    ).one()
    db.session.remove()
    return row[0], row[1]


def plain(body):
    response = make_response(body)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response


def start_timer() -> None:
    g.metrics_started = time.perf_counter()


def count_request(response):
    rule = request.url_rule
    route = rule.rule if rule is not None else metrics.UNMATCHED_ROUTE
    metrics.HTTP_REQUESTS.labels(route, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        metrics.HTTP_DURATION.labels(route).observe(time.perf_counter() - started)
    if response.status_code == 429:
        metrics.RATE_LIMITED.labels(request.endpoint or metrics.UNMATCHED_ROUTE).inc()
    return response


def init_app(app) -> None:
    app.before_request(start_timer)
    app.after_request(count_request)
    counting.listen()

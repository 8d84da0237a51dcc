"""The JSON API for the scheduling module, /api/v1/..., with a Bearer key on every call.

Token-authenticated, so no CSRF; rate-limited per verified key; every request audited.
"""

from flask import Blueprint, current_app, g, request
from sqlalchemy import select

from .. import throttle
from ..audit import record
from ..extensions import client_key, csrf, db
from ..models import ApiKey, utcnow
from .errors import api_error
from .keys import key_hash, key_prefix

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

PUBLIC_ENDPOINTS = {"api.openapi"}


def presented_key() -> str | None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return key.strip()


@bp.before_request
def authenticate():
    """The key first, then the limits: a valid key is counted under its own id (never under a
    prefix anyone may present), and only invalid keys use up the address's wrong-key budget, so
    a stranger behind the same address cannot lock the scheduling module out."""
    config = current_app.config
    address = client_key()
    if request.endpoint in PUBLIC_ENDPOINTS:
        if not throttle.count(config["API_RATE_LIMIT"], "api-addr", address):
            return api_error(429, "rate_limited", "Too many tries in a short time")
        return None
    key = presented_key()
    api_key = None
    if key and len(key) <= 200:
        api_key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash(key)))
    if api_key is None or api_key.revoked_at is not None:
        if not throttle.count(config["API_FAILED_KEY_LIMIT"], "api-failed-key", address):
            return api_error(429, "rate_limited", "Too many invalid keys from this address.")
        # The key's public prefix only (what admins see in lists), never the key.
        record(
            "api.key_refused",
            details={"prefix": key_prefix(key) if key else None, "address": address},
        )
        db.session.commit()
        response = api_error(
            401, "unauthorized", "Send a valid API key as Authorization: Bearer <key>."
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="readiness"'
        return response
    # Counted under the verified key (its stored hash: the id restarts in a new database).
    if not throttle.count(config["API_RATE_LIMIT"], "api-key", api_key.key_hash[:32]):
        return api_error(429, "rate_limited", "Too many tries in a short time")
    g.api_key = api_key
    api_key.last_used_at = utcnow()
    # Ids only: never the query's contact details or the key itself.
    record(
        "api.request",
        api_key_id=api_key.id,
        details={
            "method": request.method,
            "endpoint": request.endpoint,
            "ids": {k: str(v)[:40] for k, v in (request.view_args or {}).items()},
        },
    )
    db.session.commit()
    return None


from . import outcome_views, views  # noqa: E402,F401

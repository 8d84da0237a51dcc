"""Headers on every response, the CSP nonce, and the staff idle timeout."""

import secrets
import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import _
from flask_login import current_user, logout_user

from .connection.platform import probe_origins
from .probe.origin import origin_of, probe_base_url

STAFF_BLUEPRINTS = {"desk", "clinic", "auth", "api", "admin"}
# Requests a page makes by itself (polling): they do not count as the staff member being active.
PASSIVE_ENDPOINTS = {"desk.live"}

PERMISSIONS = (
    "camera=(self), microphone=(self), speaker-selection=(self), display-capture=(), "
    "geolocation=(), payment=(), usb=(), serial=()"
)


def csp_nonce() -> str:
    """One random nonce per request, for the few script tags the pages carry."""
    environ = request.environ
    if "readiness.csp_nonce" not in environ:
        environ["readiness.csp_nonce"] = secrets.token_urlsafe(16)
    return environ["readiness.csp_nonce"]


def content_security_policy(
    nonce: str, probe_origin: str = "", platform_origins: tuple | list = ()
) -> str:
    # Our probe's hosts, and the video platform's own origins the connection test loads
    # (READINESS_PLATFORM_PROBES): exactly those, nothing else.
    connect = " ".join(["connect-src 'self'", *filter(None, [probe_origin]), *platform_origins])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob: mediastream:",
            connect,
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def set_security_headers(response):
    headers = response.headers
    config = current_app.config
    policy = content_security_policy(
        csp_nonce(),
        origin_of(probe_base_url(config)),
        probe_origins(config.get("PLATFORM_PROBES") or ()),
    )
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Invitation links carry tokens: never send them on to another site. To this one, the
    # address lets a form prove where it came from (readiness/csrf.py); `no-referrer` made
    # browsers send `Origin: null` and no Referer, and every form over HTTPS was refused.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if request.blueprint == "probe":
        return response  # the probe sets its own caching and never reads the session
    if request.blueprint in STAFF_BLUEPRINTS or current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    elif request.blueprint == "patient":
        # A patient's pages show what they typed: not kept by a shared computer's cache.
        headers["Cache-Control"] = "no-store"
    return response


def end_idle_staff_session():
    """Sign staff out after the configured minutes without a request."""
    # The probe answers without looking at the session: it must stay fast and set no cookie.
    if request.endpoint == "static" or request.blueprint == "probe":
        return None
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle_limit = int(current_app.config["STAFF_IDLE_MINUTES"]) * 60
    last_seen = session.get("seen_at")
    if last_seen is not None and now - int(last_seen) > idle_limit:
        from .auth import STAFF_SESSION_KEY, sessions
        from .extensions import db

        sessions.end(session.get(STAFF_SESSION_KEY))  # on the server too: a copy stops working
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You were signed out after a period of inactivity. Please sign in again."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if request.endpoint not in PASSIVE_ENDPOINTS or last_seen is None:
        session["seen_at"] = now
    return None


def init_app(app) -> None:
    app.before_request(end_idle_staff_session)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

"""Single sign-on with the institution's OpenID Connect provider (Authlib).

/auth/oidc/login sends the browser to the provider (authorization code with PKCE, a fresh
state and nonce kept in this browser's session); /auth/oidc/callback takes the code back once
(the state is forgotten as it is used), and Authlib checks the ID token's signature against
the provider's keys, its issuer, audience, expiry and nonce. What the claims make of the
person is decided in readiness.auth.oidc.
"""

from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import _, get_locale
from flask_login import logout_user
from joserfc.errors import JoseError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..audit import record
from ..extensions import db, limiter
from ..models import StaffUser, utcnow
from . import bp, oidc, sessions, signing_in
from .views import safe_next

OAUTH_EXTENSION = "authlib.integrations.flask_client"
CLIENT_NAME = "institution"
# Seconds of clock difference allowed between us and the provider for exp, iat and nbf.
CLOCK_LEEWAY_SECONDS = 60
SIGNED_OUT_KEY = "sso_signed_out"


@bp.record_once
def register_provider(state) -> None:
    """Register the provider when single sign-on is configured (READINESS_OIDC_ISSUER)."""
    config = state.app.config
    issuer = str(config.get("OIDC_ISSUER") or "").rstrip("/")
    if not issuer:
        return
    oauth = OAuth(state.app)
    oauth.register(
        CLIENT_NAME,
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": config["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "default_timeout": 10,
        },
    )


def provider():
    """The registered provider's client, or None when single sign-on is off."""
    oauth = current_app.extensions.get(OAUTH_EXTENSION)
    return getattr(oauth, CLIENT_NAME, None) if oauth else None


def institution_name() -> str:
    """The name on the "Sign in with ..." button."""
    config = current_app.config
    if config.get("OIDC_INSTITUTION_NAME"):
        return config["OIDC_INSTITUTION_NAME"]
    return config["INSTITUTION_NAME_FR" if get_locale().language == "fr" else "INSTITUTION_NAME_EN"]


def provider_metadata(client) -> dict:
    """The discovery document, refused unless it names the configured issuer (OIDC 4.3)."""
    metadata = client.load_server_metadata()
    if metadata.get("issuer", "").rstrip("/") != current_app.config["OIDC_ISSUER"].rstrip("/"):
        raise ValueError("the discovery document names another issuer")
    return metadata


@bp.app_context_processor
def sign_in_options() -> dict:
    return {"sso_enabled": lambda: provider() is not None, "sso_institution": institution_name}


@bp.route("/oidc/login")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def oidc_login():
    client = provider()
    if client is None:
        abort(404)
    try:
        provider_metadata(client)
    except (AuthlibBaseError, requests.RequestException, ValueError):
        return refuse(oidc.Refused(oidc.Refusal.BAD_TOKEN, None, None))
    next_path = safe_next(request.args.get("next"))
    if next_path:
        session[signing_in.NEXT_KEY] = next_path
    return client.authorize_redirect(
        url_for("auth.oidc_callback", _external=True), ui_locales=get_locale().language
    )


@bp.route("/oidc/callback")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def oidc_callback():
    client = provider()
    if client is None:
        abort(404)
    try:
        provider_metadata(client)
        token = client.authorize_access_token(leeway=CLOCK_LEEWAY_SECONDS)
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError):
        # A replayed or forged state, a refused code, a bad signature, issuer, audience,
        # nonce or expiry: all the same to the person, told apart in no log.
        return refuse(oidc.Refused(oidc.Refusal.BAD_TOKEN, None, None))
    claims = token.get("userinfo")
    if not claims:
        return refuse(oidc.Refused(oidc.Refusal.BAD_TOKEN, None, None))
    config = current_app.config
    outcome = oidc.decide(
        dict(claims),
        role_claim=config["OIDC_ROLE_CLAIM"],
        role_map=oidc.parse_role_map(config["OIDC_ROLE_MAP"]),
        domains=oidc.parse_domains(config["OIDC_ALLOWED_EMAIL_DOMAINS"]),
    )
    if isinstance(outcome, oidc.Refused):
        return refuse(outcome)
    try:
        user = account_for(outcome)
        db.session.flush()
    except IntegrityError:
        # The same person's first sign-in in another tab made the account a moment ago.
        db.session.rollback()
        user = account_for(outcome)
    if user is None or not user.active:
        return refuse(oidc.Refused(oidc.Refusal.DISABLED, outcome.subject, outcome.email))
    signing_in.start_session(user, "oidc", utcnow())
    return redirect(signing_in.next_page(user))


def existing_account(subject: str | None, email: str | None) -> StaffUser | None:
    """The account this provider subject signed in as before, else the one with this email."""
    if subject:
        user = db.session.scalar(select(StaffUser).where(StaffUser.oidc_subject == subject))
        if user is not None:
            return user
    if email:
        return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email))
    return None


def account_for(person: oidc.Person) -> StaffUser | None:
    """The person's account, created at first sign-in; name and role refreshed from the claims.

    None when the email belongs to another provider subject or to a break-glass account.
    """
    user = existing_account(person.subject, person.email)
    if user is None:
        user = StaffUser(
            email=person.email,
            role=person.role,
            display_name=person.name,
            password_hash="",  # no password: verify_password never matches an empty hash
            oidc_subject=person.subject,
        )
        db.session.add(user)
        db.session.flush()
        record("staff.created", staff_id=user.id, details={"role": person.role, "by": "oidc"})
        return user
    if user.break_glass or (user.oidc_subject not in (None, person.subject)):
        return None
    user.oidc_subject = person.subject
    if user.role != person.role:
        record(
            "staff.role_changed",
            staff_id=user.id,
            details={"from": user.role, "to": person.role, "by": "oidc"},
        )
        user.role = person.role
    if person.name and user.display_name != person.name:
        user.display_name = person.name
    if user.email != person.email and not existing_account(None, person.email):
        user.email = person.email
    return user


def refuse(refused: oidc.Refused):
    """A clear page; the refusal in the audit trail; the person's sessions all end."""
    user = existing_account(refused.subject, refused.email)
    details = {"reason": str(refused.reason)}
    if user is not None:
        details["sessions_ended"] = sessions.end_all(user.id)
    record("staff.sso_refused", staff_id=user.id if user else None, details=details)
    db.session.commit()
    logout_user()
    signing_in.clear_session()
    status = 400 if refused.reason == oidc.Refusal.BAD_TOKEN else 403
    return render_template("auth/sso_refused.html", reason=str(refused.reason)), status


def end_session_url() -> str | None:
    """The provider's end-session endpoint (RP-initiated logout), back to our sign-in page."""
    client = provider()
    if client is None:
        return None
    try:
        endpoint = provider_metadata(client).get("end_session_endpoint")
    except (AuthlibBaseError, requests.RequestException, ValueError):
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "client_id": current_app.config["OIDC_CLIENT_ID"],
            "post_logout_redirect_uri": url_for("auth.login", _external=True),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


@bp.route("/signed-out")
def signed_out():
    """After signing out of a single sign-on session: offer the provider's sign-out too."""
    url = end_session_url() if session.get(SIGNED_OUT_KEY) else None
    if url is None:
        flash(_("You are signed out."))
        return redirect(url_for("auth.login"))
    return render_template("auth/signed_out.html", end_session_url=url)

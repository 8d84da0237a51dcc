"""Staff sign-in and sign-out, and the guard every staff blueprint uses."""

from flask import Blueprint, abort, current_app, redirect, session, url_for
from flask_login import current_user

from ..extensions import db, login_manager
from ..models import StaffUser

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = None
login_manager.session_protection = "strong"


STAFF_SESSION_KEY = "staff_session"


@login_manager.user_loader
def load_staff(user_id: str):
    """The signed-in staff member, only while their server-side session is live."""
    from . import sessions

    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active:
        return None
    hours = float(current_app.config["STAFF_SESSION_HOURS"])
    if not sessions.is_live(session.get(STAFF_SESSION_KEY), user.id, hours):
        return None
    return user


def require_role(*roles: str):
    """Anonymous visitors go to sign-in; staff of another role get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(*roles):
        abort(403)
    from .signing_in import enrolment_due

    if enrolment_due(current_user):
        return redirect(url_for("auth.totp_enrol"))
    return None


from . import sso_views, totp_views, views  # noqa: E402,F401

"""Staff sign-in and sign-out, and the guard every staff blueprint uses."""

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import db, login_manager
from ..models import StaffUser

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = None
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_staff(user_id: str):
    user = db.session.get(StaffUser, int(user_id))
    return user if user and user.active else None


def require_role(*roles: str):
    """Anonymous visitors go to sign-in; staff of another role get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(*roles):
        abort(403)
    return None


from . import views  # noqa: E402,F401

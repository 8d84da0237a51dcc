"""The support desk workspace. Every route is for desk staff (and admins)."""

from flask import Blueprint

from ..auth import require_role

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.before_request
def guard():
    return require_role("desk")


from . import views  # noqa: E402,F401

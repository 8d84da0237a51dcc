"""The support desk workspace. Every route is for desk staff (and admins)."""

from flask import Blueprint

from ..auth import require_role
from ..vocabulary import Role

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.before_request
def guard():
    return require_role(Role.DESK)


from . import outreach_views, views  # noqa: E402,F401

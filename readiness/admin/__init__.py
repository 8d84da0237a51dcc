"""The administrators' workspace: for now, the messages the scheduling module has not received."""

from flask import Blueprint

from ..auth import require_role
from ..vocabulary import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def guard():
    return require_role(Role.ADMIN)


from . import messages_views, privacy_views, views  # noqa: E402,F401

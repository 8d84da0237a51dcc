"""The clinician workspace. Every route is for clinicians (and admins)."""

from flask import Blueprint

from ..auth import require_role
from ..vocabulary import Role

bp = Blueprint("clinic", __name__, url_prefix="/clinic")


@bp.before_request
def guard():
    return require_role(Role.CLINICIAN)


from . import self_check_views, views  # noqa: E402,F401

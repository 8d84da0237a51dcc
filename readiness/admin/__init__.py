"""The administrators' workspace: for now, the messages the scheduling module has not received."""

from flask import Blueprint, request

from ..auth import require_role
from ..vocabulary import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


# The insights page: admins and managers (who see only it, and only counts).
MANAGER_ENDPOINTS = {"admin.insights", "admin.insights_csv"}


@bp.before_request
def guard():
    if request.endpoint in MANAGER_ENDPOINTS:
        return require_role(Role.MANAGER)
    return require_role(Role.ADMIN)


from . import (  # noqa: E402,F401
    insights_views,
    messages_views,
    privacy_views,
    self_check_views,
    views,
)

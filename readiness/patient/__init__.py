"""The patient's check, under /<lang>/. No account: the session remembers the patient's check."""

from flask import Blueprint, g

from ..models import LANGUAGES

bp = Blueprint("patient", __name__, url_prefix="/<any(en,fr):lang>")


@bp.url_value_preprocessor
def take_language(endpoint, values):
    g.lang = (values or {}).pop("lang", None) or LANGUAGES[0]


@bp.url_defaults
def add_language(endpoint, values):
    if "lang" not in values and "lang" in g:
        values["lang"] = g.lang


from . import connection, devices, finish, handover_views, invitation_views, setting, views  # noqa: E402,F401,E501

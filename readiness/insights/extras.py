"""Sections of the insights report computed outside readiness.insights: the one place to add
one (for example "media_path_health": "ok" | "suspect", from readiness.connection.media_health).

report_extras(session, config) returns {key: JSON-ready value}; build_report adds each as a
top-level key of the report, so `flask insights report --json` and /admin/insights both carry
it. config: the app's settings as a mapping (e.g. config["MEDIA_HEALTH_CHECKS"]).
"""

from collections.abc import Mapping

from sqlalchemy.orm import Session


def report_extras(session: Session, config: Mapping) -> dict:
    return {}

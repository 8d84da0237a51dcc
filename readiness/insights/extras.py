"""Sections of the insights report computed outside readiness.insights: our own media path's
health ("ok" | "suspect", readiness.connection.media_health).

report_extras(session, config) returns {key: JSON-ready value}; build_report adds each as a
top-level key of the report, so `flask insights report --json` and /admin/insights both carry
it. config: the app's settings as a mapping (e.g. config["MEDIA_HEALTH_CHECKS"]).
"""

from collections.abc import Mapping

from sqlalchemy.orm import Session

from ..connection.media_health import media_path_health


def report_extras(session: Session, config: Mapping) -> dict:
    return {"media_path_health": media_path_health(session, int(config["MEDIA_HEALTH_CHECKS"]))}

"""Sections of the insights report computed outside readiness.insights: the one place to add
one (for example "media_path_health": "ok" | "suspect", from the media path's own watch).

report_extras(session) returns {key: JSON-ready value}; build_report adds each as a top-level
key of the report, so `flask insights report --json` and /admin/insights both carry it.
"""

from sqlalchemy.orm import Session


def report_extras(session: Session) -> dict:
    return {}

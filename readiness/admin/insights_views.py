"""/admin/insights: how well the verdict predicts the visit. For admins and managers; counts
only, never a patient (readiness.insights)."""

from flask import Response, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice

from ..devices.browser_support import BROWSER_NAMES, SYSTEM_NAMES
from ..extensions import db
from ..insights import charts
from ..insights.facts import Filters
from ..insights.gather import report_for
from ..insights.report import VERDICTS
from ..insights.tables import as_csv, report_tables
from ..locale import institution_zone
from ..models import StaffUser
from ..vocabulary import Role
from . import bp
from .forms import InsightsFilterForm


def filter_form() -> InsightsFilterForm:
    form = InsightsFilterForm(request.args)
    clinicians = db.session.scalars(
        select(StaffUser)
        .where(StaffUser.role.in_((Role.CLINICIAN, Role.ADMIN)))
        .order_by(StaffUser.display_name, StaffUser.email)
    )
    form.clinician.choices = [SelectChoice("", _l("All clinicians"))] + [
        SelectChoice(str(user.id), user.display_name or _l("Clinician %(id)s", id=user.id))
        for user in clinicians
    ]
    return form


def filters_of(form: InsightsFilterForm) -> Filters:
    return Filters(
        since=form.since.data,
        until=form.until.data,
        clinician_id=int(form.clinician.data) if form.clinician.data else None,
    )


def chart_set(report: dict) -> dict:
    """Each chart's geometry, from the report's figures."""
    weekly = charts.stacked_bars(
        [
            (
                row["week"],
                [
                    *((verdict, row[verdict]) for verdict in VERDICTS),
                    ("unfinished", row["started"] - row["finished"]),
                ],
            )
            for row in report["checks"]["per_week"]
        ],
        (*VERDICTS, "unfinished"),
    )
    funnel = charts.stacked_bars(
        [(row["step"], [("count", row["count"])]) for row in report["funnel"]], ("count",)
    )
    held = charts.share_bars(
        [
            (verdict, figures["share"], figures["interval95"])
            for verdict in VERDICTS
            if (figures := report.get(f"{verdict}_held_on_video"))
        ]
    )
    bands = {
        kind: charts.share_bars(
            [(row["band"], row["all"]["share"], row["all"]["interval95"]) for row in rows]
        )
        for kind, rows in report["bands"].items()
    }
    return {"weekly": weekly, "funnel": funnel, "held": held, "bands": bands}


@bp.route("/insights")
def insights():
    form = filter_form()
    valid = form.validate() if request.args else True
    filters = filters_of(form) if valid else Filters()
    report = report_for(db.session, filters, institution_zone(), current_app.config)
    return render_template(
        "admin/insights.html",
        form=form,
        report=report,
        tables=report_tables(report),
        charts=chart_set(report),
        query=request.query_string.decode(),
        browser_names=BROWSER_NAMES,
        system_names=SYSTEM_NAMES,
    ), (200 if valid else 400)


@bp.route("/insights/<table>.csv")
def insights_csv(table: str):
    """One table of the page, with the page's filters, as CSV."""
    form = filter_form()
    if request.args and not form.validate():
        abort(400)
    report = report_for(db.session, filters_of(form), institution_zone(), current_app.config)
    tables = report_tables(report)
    if table not in tables:
        abort(404)
    return Response(
        as_csv(tables[table]),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="insights-{table}.csv"'},
    )

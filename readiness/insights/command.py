"""`flask insights report [--since DATE] [--json]`: the insights page's figures, as text or JSON."""

import json
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .facts import Filters
from .gather import report_for

insights_cli = AppGroup("insights", help="How well the verdict predicts the visit: counts only.")


def gather(filters: Filters) -> dict:
    """The report for these filters, with the sections computed elsewhere (extras)."""
    config = current_app.config
    return report_for(db.session, filters, ZoneInfo(config["TIMEZONE"]), config)


def held_line(label: str, figures: dict) -> str:
    if not figures["recorded"]:
        return f"{label}: no visit recorded"
    low, high = figures["interval95"]
    return (
        f"{label}: {figures['held']} of {figures['recorded']} held on video "
        f"({figures['share']:.1%}; 95% interval {low:.1%} to {high:.1%})"
    )


def as_text(report: dict) -> str:
    checks = report["checks"]
    lines = [
        f"Checks started: {checks['started']}; finished: {checks['finished']} "
        + "("
        + ", ".join(f"{verdict} {n}" for verdict, n in checks["by_verdict"].items())
        + ")",
        "Funnel: "
        + " > ".join(
            f"{row['step']} {row['count']}"
            + (f" (-{row['lost_share']:.0%})" if row["lost_share"] else "")
            for row in report["funnel"]
        ),
        f"Visits with an outcome: {checks['visits_with_outcome']} "
        f"({checks['visits_without_finished_check']} without a finished check)",
    ]
    for verdict, outcomes in report["outcomes"].items():
        counted = ", ".join(f"{outcome} {n}" for outcome, n in outcomes.items() if n)
        lines.append(f"  {verdict}: {counted or 'none'}")
    lines.append(held_line('"Ready" held on video', report["ready_held_on_video"]))
    lines.append(held_line('"Not ready" held on video anyway', report["not_ready_held_on_video"]))
    for key, value in report.items():
        if isinstance(value, str):
            lines.append(f"{key}: {value}")
    return "\n".join(lines)


@insights_cli.command("report")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only checks started, and visits held, on or after this day (YYYY-MM-DD).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def report_command(since, as_json):
    """Checks, the funnel, outcomes by verdict, how often "ready" held, and bands."""
    report = gather(Filters(since=since.date() if since else None))
    click.echo(json.dumps(report, indent=2) if as_json else as_text(report))

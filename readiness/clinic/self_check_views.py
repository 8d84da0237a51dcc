"""The clinician's own setup check: the patient check's connection and device tests, run on
the clinician's workstation, judged by the same server-side code and kept per staff member."""

from flask import current_app, g, jsonify, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..audit import record
from ..connection.media_health import SUSPECT, media_path_health
from ..connection.media_verdict import MediaThresholds
from ..connection.report import ReportError, parse_report
from ..connection.verdict import Thresholds, report_verdict
from ..devices.browser_support import BROWSER_NAMES, evaluate, parse_user_agent
from ..devices.help import InvalidResult, read_browser_report, read_device_result
from ..extensions import db
from ..locale import current_language
from ..models import StaffSelfCheck, utcnow
from ..patient.connection import browser_messages, test_settings
from ..patient.devices import device_type_label, instructions, page_messages
from ..patient.json_answers import UnreadableBody, json_body, patient_json_error
from ..vocabulary import DeviceKind
from . import bp
from .self_check import self_check_verdict, still_open


def latest_self_check(
    staff_id: int, judged: bool = False, for_update: bool = False
) -> StaffSelfCheck | None:
    """The staff member's latest self-check; judged: the latest with a verdict; for_update:
    locked until the commit, so two results posted at once do not overwrite each other."""
    query = select(StaffSelfCheck).where(StaffSelfCheck.staff_id == staff_id)
    if judged:
        query = query.where(StaffSelfCheck.verdict.is_not(None))
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(
        query.order_by(StaffSelfCheck.created_at.desc(), StaffSelfCheck.id.desc()).limit(1)
    )


def open_self_check() -> StaffSelfCheck:
    """The signed-in clinician's self-check still open, or a new one (audited)."""
    now = utcnow()
    found = latest_self_check(current_user.id, for_update=True)
    if found is not None and still_open(found.created_at, now):
        return found
    found = StaffSelfCheck(staff_id=current_user.id, site=current_user.site, created_at=now)
    db.session.add(found)
    db.session.flush()
    record("selfcheck.created", staff_id=current_user.id, details={"self_check": found.id})
    return found


def judge(self_check: StaffSelfCheck) -> None:
    """The verdict of every part in so far (readiness.clinic.self_check)."""
    connection = None
    if self_check.connection_verdict is not None:
        connection = (self_check.connection_verdict, list(self_check.connection_reasons or []))
    overall = self_check_verdict(connection, self_check.devices)
    self_check.verdict, self_check.reasons = overall.verdict, overall.reasons
    self_check.updated_at = utcnow()


@bp.route("/self-check")
def self_check():
    matrix = current_app.config["SUPPORT_MATRIX"]
    environment = parse_user_agent(request.headers.get("User-Agent", ""))
    support = evaluate(environment, {}, matrix)
    latest = latest_self_check(current_user.id)
    # The parts shown as done are those of the self-check still open; a later one starts anew.
    current = latest if latest and still_open(latest.created_at, utcnow()) else None
    # The patient's settings name the patient's result URL, under /<lang>/: replaced here.
    g.lang = current_language()
    settings = test_settings() | {"resultUrl": url_for("clinic.self_check_connection")}
    return render_template(
        "clinic/self_check.html",
        latest=latest_self_check(current_user.id, judged=True),
        current=current,
        settings=settings,
        # One set of messages for both scripts: their keys do not overlap.
        messages=browser_messages() | page_messages(),
        environment=environment,
        device_type=device_type_label(environment.device_type),
        recommended=BROWSER_NAMES.get(support.recommended, support.recommended),
        help=instructions(environment, matrix),
        microphone_timeout=current_app.config["MICROPHONE_TIMEOUT_SECONDS"],
    )


@bp.route("/self-check/connection", methods=["POST"])
def self_check_connection():
    """The browser's connection figures: checked and judged as a patient's are."""
    try:
        fields = parse_report(json_body())
    except UnreadableBody:
        return patient_json_error(400, "invalid_json")
    except ReportError as error:
        return patient_json_error(400, "invalid_report", str(error), error.field)
    config = current_app.config
    media_counts = media_path_health(db.session, int(config["MEDIA_HEALTH_CHECKS"])) != SUSPECT
    verdict, codes = report_verdict(
        fields, Thresholds.from_config(config), MediaThresholds.from_config(config), media_counts
    )
    found = open_self_check()
    found.download_mbps, found.upload_mbps = fields["download_mbps"], fields["upload_mbps"]
    found.latency_ms, found.jitter_ms = fields["latency_ms"], fields["jitter_ms"]
    found.connection_verdict, found.connection_reasons = verdict, codes
    judge(found)
    db.session.commit()
    html = render_template("clinic/self_check_result.html", result=found)
    return jsonify(verdict=verdict, reasons=codes, html=html)


@bp.route("/self-check/devices", methods=["POST"])
def self_check_device():
    """One device's outcome (the browser's is judged here), as on the patient's device step."""
    try:
        payload = json_body()
        if isinstance(payload, dict) and payload.get("kind") == "browser":
            features, touch_points = read_browser_report(payload)
            environment = parse_user_agent(request.headers.get("User-Agent", ""), touch_points)
            support = evaluate(environment, features, current_app.config["SUPPORT_MATRIX"])
            kind, status, reason = DeviceKind.BROWSER, support.status, support.reason
        else:
            kind, status, reason, _details = read_device_result(payload)
    except UnreadableBody:
        return patient_json_error(400, "invalid_json")
    except InvalidResult as error:
        return patient_json_error(400, "invalid_result", str(error))
    found = open_self_check()
    found.devices = {**(found.devices or {}), str(kind): {"status": status, "reason": reason}}
    judge(found)
    db.session.commit()
    return jsonify(kind=kind, status=status, reason=reason)

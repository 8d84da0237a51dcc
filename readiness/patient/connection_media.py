"""The connection result's media part, which the device step's page measures in the background
after the result is shown (readiness.connection.media_part), and the summary's wait for it."""

from flask import current_app, jsonify, url_for

from ..audit import record
from ..checks import state
from ..connection import media_part
from ..connection.report import ReportError, parse_media
from ..extensions import db
from . import bp
from .connection import judge, test_settings
from .json_answers import UnreadableBody, json_body, patient_json_error
from .session_check import check_required, seen


def pending_media(check):
    """The check's latest connection result while its media part is still to come, else None."""
    result = state.latest_connection(check)
    if result is None or result.media_status != media_part.PENDING:
        return None
    return result


def leave_out_pending_media(check) -> None:
    """A media part still to come is not counted any more (committed with the caller's change,
    or at once when the caller changes nothing)."""
    result = pending_media(check)
    if result is not None:
        result.media_status = media_part.LEFT_OUT
        db.session.commit()


def media_settings(check) -> dict | None:
    """What the device step's page needs to run the media check, or None: nothing pending."""
    result = pending_media(check)
    if result is None:
        return None
    return {
        **test_settings(),
        "resultId": result.id,
        "mediaResultUrl": url_for("patient.connection_media"),
        # The link's round trip, from the speed test: how long unanswered checks mean no route.
        "roundTripMs": result.latency_ms,
    }


def summary_wait(check) -> dict | None:
    """What the summary's page needs to wait for a media part still under way, or None."""
    result = pending_media(check)
    if result is None:
        return None
    return {
        "resultId": result.id,
        "statusUrl": url_for("patient.connection_media_status"),
        "mediaResultUrl": url_for("patient.connection_media"),
        "waitMs": int(float(current_app.config["MEDIA_SUMMARY_WAIT_SECONDS"]) * 1000),
    }


@bp.route("/check/connection/media/result", methods=["POST"])
@check_required(json=True)
def connection_media(check):
    """The media part for the check's latest result: added to it and judged again; or, with no
    route at all (the browser could not run it, the summary stopped waiting), left out."""
    try:
        body = json_body()
        if not isinstance(body, dict):
            raise ReportError("body", "must be a JSON object")
        result_id = body.get("result_id")
        if isinstance(result_id, bool) or not isinstance(result_id, int):
            raise ReportError("result_id", "must be a whole number")
        media = parse_media(body)
    except UnreadableBody:
        return patient_json_error(400, "invalid_json")
    except ReportError as error:
        return patient_json_error(400, "invalid_report", str(error), error.field)
    result = state.latest_connection(check)
    try:
        media_part.accept(
            result.media_status if result else None,
            result_id,
            result.id if result else None,
            completed=check.completed_at is not None,
        )
    except media_part.MediaPartRefused as refused:
        return jsonify(status="refused", reason=refused.code), 409
    if media["media_route"] is None:
        result.media_status = media_part.LEFT_OUT
        db.session.commit()
        return jsonify(status=result.media_status, verdict=result.verdict)
    for name, value in media.items():
        setattr(result, name, value)
    result.media_status = media_part.MEASURED
    verdict, codes = judge(result, media_part.stored_fields(result))
    seen(check)
    record("connection.media_measured", check_id=check.id, details={"verdict": verdict})
    db.session.commit()
    return jsonify(status=result.media_status, verdict=verdict, reasons=codes)


@bp.route("/check/connection/media")
@check_required
def connection_media_status(check):
    """Whether the latest result's media part is still to come (the summary asks while it
    waits): pending, measured, left_out, or none."""
    result = state.latest_connection(check)
    status = (result.media_status if result else None) or "none"
    return jsonify(status=status), 200, {"Cache-Control": "no-store"}

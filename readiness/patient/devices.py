"""The device step: camera, microphone, speakers and browser, each tested in the patient's browser.

Nothing the camera or microphone captures reaches the server: the page sends only the outcome
(status, reason code and a few figures such as the resolution).
"""

from flask import current_app, jsonify, render_template, request
from flask_babel import _

from ..checks import state
from ..checks.reason_labels import label
from ..devices.browser_support import (
    BROWSER_NAMES,
    COMPUTER,
    PHONE,
    TABLET,
    app_name,
    evaluate,
    parse_user_agent,
)
from ..devices.echo import echo_result, read_echo_answer
from ..devices.help import (
    DEVICE_REASONS,
    InvalidResult,
    instruction_blocks,
    read_browser_report,
    read_device_result,
)
from ..devices.instructions import BLOCKS, step_text
from ..extensions import db
from ..models import DeviceResult
from ..vocabulary import DeviceKind, DeviceStatus
from . import bp
from .journey import step_url
from .json_answers import UnreadableBody, json_body, patient_json_error
from .session_check import check_required, on_phone, seen, viewed


def device_type_label(device_type: str) -> str:
    return {
        PHONE: _("Cellphone"),
        TABLET: _("Tablet"),
        COMPUTER: _("Computer"),
    }.get(device_type, _("Not known"))


def instructions(environment, matrix) -> dict[str, list[tuple[str, list[str]]]]:
    """For every reason a device check can give: the blocks of steps for this browser."""
    support = evaluate(environment, {}, matrix)
    values = {
        "browser": environment.browser_name or _("your browser"),
        "recommended": BROWSER_NAMES.get(support.recommended, support.recommended),
        "app": app_name(environment.in_app) or "",
    }
    found = {}
    for kind_reasons in DEVICE_REASONS.values():
        for reason in kind_reasons:
            if reason in found:
                continue
            found[reason] = [
                (
                    str(BLOCKS[key].title) % values,
                    [step_text(step, values) for step in BLOCKS[key].steps],
                )
                for key in instruction_blocks(reason, environment)
            ]
    return found


def page_messages() -> dict:
    return {
        "status": {
            DeviceStatus.PASS: _("Works"),
            DeviceStatus.FAIL: _("Problem found"),
            DeviceStatus.SKIPPED: _("Skipped"),
            "pending": _("Not tested yet"),
            "testing": _("Testing…"),
        },
        "reasons": {reason: label(reason) for kind in DEVICE_REASONS.values() for reason in kind},
        "camera_asking": _("Waiting for your answer to the browser's question about the camera…"),
        "camera_checking": _("Checking the picture…"),
        "camera_pass": _(
            "The camera works: %(width)s × %(height)s pixels, %(rate)s images a second."
        ),
        "camera_skipped": _(
            "No camera: you can still test your microphone and speakers. "
            "Your visit can be by phone."
        ),
        "camera_off": _("The camera is off."),
        "microphone_asking": _(
            "Waiting for your answer to the browser's question about the microphone…"
        ),
        "microphone_listening": _("Listening. Say your name out loud."),
        "microphone_pass": _("The microphone works: we heard you."),
        "echo_recording": _("Recording for 3 seconds: say a few words…"),
        "echo_playing": _("Playing your recording. How did you hear yourself?"),
        "echo_press_play": _(
            "Your recording is ready: press play on the player to hear it. How did you hear "
            "yourself?"
        ),
        "echo_failed": _(
            "The recording could not be made. Test the microphone above first, then try again."
        ),
        "echo_pass": _("You heard yourself clearly: the microphone works."),
        "speakers_playing": _("Playing the test sound. Did you hear it?"),
        "speakers_pass": _("The speakers work."),
        "browser_pass": _("This browser can run a video visit."),
        "device_number": _("Device %(number)s"),
        "save_failed": _(
            "Your result could not be saved. Check your internet connection and try again."
        ),
    }


@bp.route("/check/devices")
@check_required
def devices(check):
    matrix = current_app.config["SUPPORT_MATRIX"]
    environment = parse_user_agent(request.headers.get("User-Agent", ""))
    support = evaluate(environment, {}, matrix)
    viewed(check, "devices")
    return render_template(
        "patient/devices.html",
        environment=environment,
        device_type=device_type_label(environment.device_type),
        recommended=BROWSER_NAMES.get(support.recommended, support.recommended),
        latest=state.latest_devices(check),
        help=instructions(environment, matrix),
        messages=page_messages(),
        microphone_timeout=current_app.config["MICROPHONE_TIMEOUT_SECONDS"],
        back_url=step_url("connection"),
        next_url=step_url("setting"),
        on_phone=on_phone(),
    )


@bp.route("/check/devices/result", methods=["POST"])
@check_required(json=True)
def device_result(check):
    """Store one device check's outcome, as the page saw it; the browser check is judged here."""
    try:
        payload = json_body()
        if isinstance(payload, dict) and payload.get("kind") == "browser":
            result = browser_result(check, *read_browser_report(payload))
        else:
            kind, status, reason, details = read_device_result(payload)
            result = DeviceResult(check=check, kind=kind, status=status, reason=reason)
            result.details = details
    except UnreadableBody:
        return patient_json_error(400, "invalid_json")
    except InvalidResult as error:
        return patient_json_error(400, "invalid_result", str(error))
    db.session.add(result)
    check.step = "devices"
    seen(check)
    db.session.commit()
    return jsonify(kind=result.kind, status=result.status, reason=result.reason)


@bp.route("/check/devices/echo/result", methods=["POST"])
@check_required(json=True)
def echo_answer(check):
    """How the patient heard their own recording: a new microphone result (nothing recorded
    reaches the server, only the answer)."""
    try:
        answer = read_echo_answer(json_body())
    except UnreadableBody:
        return patient_json_error(400, "invalid_json")
    except InvalidResult as error:
        return patient_json_error(400, "invalid_result", str(error))
    latest = state.latest_devices(check).get(DeviceKind.MICROPHONE)
    status, reason, details = echo_result(
        answer, (latest.status, latest.details) if latest else None
    )
    result = DeviceResult(check=check, kind=DeviceKind.MICROPHONE, status=status, reason=reason)
    result.details = details
    db.session.add(result)
    check.step = "devices"
    seen(check)
    db.session.commit()
    return jsonify(kind=result.kind, status=result.status, reason=result.reason)


def browser_result(check, features: dict, touch_points: int) -> DeviceResult:
    """Judge the browser against the support matrix and keep the summary on the check."""
    environment = parse_user_agent(request.headers.get("User-Agent", ""), touch_points)
    support = evaluate(environment, features, current_app.config["SUPPORT_MATRIX"])
    summary = {
        **environment.as_dict(),
        "recommended": support.recommended,
        "status": support.status,
        "reason": support.reason,
        "missing_features": support.missing_features,
        "features": features,
    }
    check.device_summary = summary
    return DeviceResult(
        check=check,
        kind=DeviceKind.BROWSER,
        status=support.status,
        reason=support.reason,
        details=summary,
    )

"""The connection test step: the page that runs it, and where the browser reports its result."""

import logging

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import _

from ..audit import record
from ..checks import reasons, state
from ..checks.codes import display_code
from ..checks.reason_labels import label
from ..connection import quality
from ..connection.advice import advice
from ..connection.expectation import patient_sentences
from ..connection.media_health import OK, SUSPECT, media_path_health, network_of
from ..connection.media_verdict import MediaThresholds
from ..connection.platform import read_reachable, with_platform
from ..connection.report import ReportError, parse_report
from ..connection.verdict import Thresholds, report_verdict
from ..encrypted import keyring
from ..extensions import db
from ..formatting import speed
from ..models import ConnectionResult
from ..probe.origin import probe_base_url
from . import bp
from .journey import step_url
from .json_answers import UnreadableBody, json_body, patient_json_error
from .session_check import check_required, seen, viewed

log = logging.getLogger(__name__)


def test_settings() -> dict:
    """What the browser code needs to run the test, from configuration."""
    config = current_app.config
    # The probe may live on hosts of its own (READINESS_PROBE_BASE_URL); by default, here.
    probe = probe_base_url(config)
    return {
        "pingUrl": probe + url_for("probe.ping"),
        "downloadUrl": probe + url_for("probe.download"),
        "uploadUrl": probe + url_for("probe.upload"),
        "resultUrl": url_for("patient.connection_result"),
        "guidanceMbps": float(config["GUIDANCE_DOWNLOAD_MBPS"]),
        "maxSeconds": float(config["CONNECTION_TEST_MAX_SECONDS"]),
        "slowMaxSeconds": float(config["CONNECTION_TEST_SLOW_MAX_SECONDS"]),
        "maxBytes": int(float(config["CONNECTION_TEST_MAX_MEGABYTES"]) * 1_000_000),
        "maxDownloadBytes": int(config["PROBE_MAX_DOWNLOAD_BYTES"]),
        "maxUploadBytes": int(config["PROBE_MAX_UPLOAD_BYTES"]),
        "mediaOfferUrl": url_for("probe.media_offer") if config["MEDIA_CHECK_ENABLED"] else None,
        "mediaIceServersUrl": url_for("probe.media_ice_servers"),
        "mediaSeconds": float(config["MEDIA_SECONDS_PER_DIRECTION"]),
        "mediaPacketsPerSecond": int(config["MEDIA_PACKETS_PER_SECOND"]),
        "mediaPacketBytes": int(config["MEDIA_PACKET_BYTES"]),
        "mediaConnectTimeoutMs": int(float(config["MEDIA_CONNECT_TIMEOUT_SECONDS"]) * 1000),
        "platformProbes": list(config.get("PLATFORM_PROBES") or ()),
        "platformTimeoutMs": int(float(config["PLATFORM_PROBE_TIMEOUT_SECONDS"]) * 1000),
    }


def browser_messages() -> dict:
    """Every sentence the test's script may show, in the page's language."""
    steps = 4 if current_app.config["MEDIA_CHECK_ENABLED"] else 3
    return {
        "speed": _("%(value)s Mbps"),
        "milliseconds": _("%(value)s ms"),
        # Four steps when the sound-and-picture route is checked too, three otherwise.
        "phaseLatency": _(
            "Step 1 of %(steps)s: checking how quickly the connection answers…", steps=steps
        ),
        "phaseDownload": _("Step 2 of %(steps)s: measuring the download speed…", steps=steps),
        "phaseUpload": _("Step 3 of %(steps)s: measuring the upload speed…", steps=steps),
        "phaseMedia": _(
            "Step 4 of 4: checking the route that sound and picture take, with test packets only…"
        ),
        "saving": _("Saving your result…"),
        "finished": _("The test is finished."),
        "cancelled": _("The test was stopped. You can start it again when you are ready."),
        "startAgain": _("Test again"),
        "offline": _(
            "Your device is not connected to the internet. Connect to Wi-Fi or turn on mobile "
            "data, then test again."
        ),
        "server_unreachable": _(
            "The test could not reach our server. Check that you are connected, wait a minute, "
            "then test again."
        ),
        "timeout": _(
            "The connection is too slow or unsteady to finish the test. Move closer to your "
            "router or try mobile data, then test again."
        ),
        "transfer_blocked": _(
            "Something on your network stopped the test, such as a work or hotel network or "
            "security software. Try another network, such as mobile data."
        ),
        "latency_high": _(
            "Your connection takes %(value)s ms to answer: too long to measure its speed, and "
            "too long for a smooth video visit. Satellite internet often does this. Try another "
            "network, such as mobile data, then test again."
        ),
        "notSaved": _(
            "Your result could not be saved. Check your connection, then test again. If it "
            "keeps happening, call the support desk."
        ),
    }


def guidance_speed() -> str:
    """The recommended download speed, in the page's language (for the expectation sentences)."""
    return speed(float(current_app.config["GUIDANCE_DOWNLOAD_MBPS"]))


def result_context(result: ConnectionResult | None) -> dict:
    if result is None:
        return {"result": None}
    codes = list(result.reasons or [])
    return {
        "result": result,
        "reason_labels": [label(code) for code in codes],
        "advice": advice(codes, result.verdict),
        # No route, and no reason for it: our own media path looked broken, the part was left out.
        "media_judged": result.media_route not in (None, "none")
        or bool({reasons.MEDIA_UNREACHABLE, reasons.MEDIA_BLOCKED} & set(codes)),
        "expected": patient_sentences(
            result.expected_quality, result.verdict, codes, guidance_speed()
        ),
        "thresholds": Thresholds.from_config(current_app.config),
        "media_thresholds": MediaThresholds.from_config(current_app.config),
    }


@bp.route("/check/connection")
@check_required
def connection(check):
    viewed(check, "connection")
    latest = state.latest_connection(check)
    return render_template(
        "patient/connection.html",
        code=display_code(check.reference_code),
        settings=test_settings(),
        messages=browser_messages(),
        autostart=latest is None,
        next_url=step_url("devices"),
        back_url=url_for("patient.check"),
        **result_context(latest),
    )


def expected_quality(fields: dict) -> dict | None:
    """The call quality to expect from the report's figures (None for a test that failed); the
    media path's packet loss counts when the browser measured it."""
    if fields["failure"]:
        return None
    config = current_app.config
    losses = [fields[name] for name in ("media_loss_up_percent", "media_loss_down_percent")]
    losses = [loss for loss in losses if loss is not None]
    return quality.expectation(
        download_mbps=fields["download_mbps"],
        upload_mbps=fields["upload_mbps"],
        latency_ms=fields["latency_ms"],
        jitter_ms=fields["jitter_ms"],
        loaded_latency_down_ms=fields["loaded_latency_down_ms"],
        loaded_latency_up_ms=fields["loaded_latency_up_ms"],
        loss_percent=max(losses) if losses else None,
        ladder=quality.parse_ladder(config["VIDEO_QUALITY_LADDER"]),
        busy_limited_ms=float(config["BUSY_NETWORK_LIMITED_MS"]),
    ).as_dict()


def platform_reachable(body, probes_set: bool) -> bool | None:
    """Whether any of the video platform's addresses loaded, as the browser says (kept only
    when READINESS_PLATFORM_PROBES is set)."""
    try:
        return read_reachable(body, probes_set)
    except ValueError as error:
        raise ReportError("platform_reachable", str(error)) from None


def log_media_path_change(before: str, after: str, checks: int) -> None:
    """One line when our media path turns suspect, one when it works again."""
    if before == OK and after == SUSPECT:
        log.warning(
            "media path suspect: the last %d media checks, from several networks, found no "
            "route to this server; the media part is left out of verdicts until one succeeds "
            "(README: The media path and coturn)",
            checks,
        )
    elif before == SUSPECT and after == OK:
        log.warning("media path ok again: a media check reached this server")


@bp.route("/check/connection/result", methods=["POST"])
@check_required(json=True)
def connection_result(check):
    """The browser's figures: checked, judged against the thresholds here, stored."""
    config = current_app.config
    try:
        body = json_body()
        fields = parse_report(body)
        reachable = platform_reachable(body, bool(config.get("PLATFORM_PROBES")))
    except UnreadableBody:
        return patient_json_error(400, "invalid_json")
    except ReportError as error:
        return patient_json_error(400, "invalid_report", str(error), error.field)
    checks = int(config["MEDIA_HEALTH_CHECKS"])
    before = media_path_health(db.session, checks)
    network = network_of(request.remote_addr) if fields["media_route"] else None
    result = ConnectionResult(
        check=check, expected_quality=expected_quality(fields),
        media_network=keyring().blind_index(network) if network else None,
        platform_reachable=reachable, **fields,
    )  # fmt: skip
    db.session.add(result)
    db.session.flush()
    health = media_path_health(db.session, checks)
    log_media_path_change(before, health, checks)
    # Our own media path looks broken: the media part says nothing about this patient.
    verdict, codes = report_verdict(
        fields,
        Thresholds.from_config(config),
        MediaThresholds.from_config(config),
        media_counts=health != SUSPECT,
    )
    verdict, codes = with_platform((verdict, codes), reachable, fields["failure"])
    result.verdict, result.reasons = verdict, codes
    check.step = "connection"
    seen(check)
    record("connection.measured", check_id=check.id, details={"verdict": verdict})
    db.session.commit()
    html = render_template(
        "patient/connection_result.html", next_url=step_url("devices"), **result_context(result)
    )
    return jsonify(verdict=verdict, reasons=codes, html=html)

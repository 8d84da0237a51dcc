"""The connection verdict: measurements and thresholds in, a verdict and reason codes out.

Pure: no Flask, no database. The verdict is the worst of the measured dimensions; every
dimension short of "ready" names its reason, which the pages turn into advice and the support
desk into a script.
"""

from dataclasses import dataclass

from ..checks import reasons
from ..checks.overall import LIMITED, NOT_READY, READY, worst
from .media_verdict import MediaThresholds, media_verdict, with_media
from .quality import busy_network_level


@dataclass(frozen=True)
class Thresholds:
    ready_download_mbps: float = 10.0
    ready_upload_mbps: float = 3.0
    ready_latency_ms: float = 150.0
    ready_jitter_ms: float = 30.0
    limited_download_mbps: float = 1.2
    limited_upload_mbps: float = 1.2
    limited_latency_ms: float = 300.0
    limited_jitter_ms: float = 50.0
    # Latency added while the link is busy: above the first, video with limits; above the
    # second, not ready (see readiness.connection.quality and the README for the sources).
    busy_limited_ms: float = 100.0
    busy_not_ready_ms: float = 400.0

    @classmethod
    def from_config(cls, config) -> "Thresholds":
        return cls(
            ready_download_mbps=float(config["GUIDANCE_DOWNLOAD_MBPS"]),
            ready_upload_mbps=float(config["READY_UPLOAD_MBPS"]),
            ready_latency_ms=float(config["READY_LATENCY_MS"]),
            ready_jitter_ms=float(config["READY_JITTER_MS"]),
            limited_download_mbps=float(config["LIMITED_DOWNLOAD_MBPS"]),
            limited_upload_mbps=float(config["LIMITED_UPLOAD_MBPS"]),
            limited_latency_ms=float(config["LIMITED_LATENCY_MS"]),
            limited_jitter_ms=float(config["LIMITED_JITTER_MS"]),
            busy_limited_ms=float(config["BUSY_NETWORK_LIMITED_MS"]),
            busy_not_ready_ms=float(config["BUSY_NETWORK_NOT_READY_MS"]),
        )


def at_least(value: float, ready: float, limited: float) -> str:
    if value >= ready:
        return READY
    return LIMITED if value >= limited else NOT_READY


def at_most(value: float, ready: float, limited: float) -> str:
    if value <= ready:
        return READY
    return LIMITED if value <= limited else NOT_READY


def connection_verdict(
    download_mbps: float | None,
    upload_mbps: float | None,
    latency_ms: float | None,
    jitter_ms: float | None,
    thresholds: Thresholds,
    failure: str | None = None,
    loaded_latency_down_ms: float | None = None,
    loaded_latency_up_ms: float | None = None,
) -> tuple[str, list[str]]:
    """(verdict, reason codes). A test that failed, or left a figure unmeasured, is not ready.
    Latency under load is judged when measured (a browser without it judges nothing)."""
    if failure:
        return NOT_READY, [failure]
    t = thresholds
    dimensions = [
        (download_mbps, reasons.DOWNLOAD_LOW, at_least, t.ready_download_mbps,
         t.limited_download_mbps),
        (upload_mbps, reasons.UPLOAD_LOW, at_least, t.ready_upload_mbps, t.limited_upload_mbps),
        (latency_ms, reasons.LATENCY_HIGH, at_most, t.ready_latency_ms, t.limited_latency_ms),
        (jitter_ms, reasons.JITTER_HIGH, at_most, t.ready_jitter_ms, t.limited_jitter_ms),
    ]  # fmt: skip
    verdict, found = READY, []
    for value, reason, judge, ready, limited in dimensions:
        if value is None:
            return NOT_READY, [reasons.TIMEOUT]
        level = judge(value, ready, limited)
        if level != READY:
            found.append(reason)
        verdict = worst(verdict, level)
    level, _ = busy_network_level(
        latency_ms, loaded_latency_down_ms, loaded_latency_up_ms,
        t.busy_limited_ms, t.busy_not_ready_ms,
    )  # fmt: skip
    if level != READY:
        found.append(reasons.BUSY_NETWORK)
    return worst(verdict, level), found


def report_verdict(
    fields: dict, thresholds: Thresholds, media_thresholds: MediaThresholds, media_counts: bool
) -> tuple[str, list[str]]:
    """The verdict of a browser's report (readiness.connection.report.parse_report's fields):
    the connection's figures, and the media part unless `media_counts` is False (our own media
    path looks broken: readiness.connection.media_health)."""
    media = (None, [])
    if media_counts:
        media = media_verdict(
            fields["media_route"],
            fields["media_loss_up_percent"],
            fields["media_loss_down_percent"],
            media_thresholds,
        )
    connection = connection_verdict(
        fields["download_mbps"],
        fields["upload_mbps"],
        fields["latency_ms"],
        fields["jitter_ms"],
        thresholds,
        failure=fields["failure"],
        loaded_latency_down_ms=fields["loaded_latency_down_ms"],
        loaded_latency_up_ms=fields["loaded_latency_up_ms"],
    )
    return with_media(connection, media)

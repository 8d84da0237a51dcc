"""What the browser sends after its connection test, checked before anything is stored.

Pure: no Flask. The browser is not trusted: every figure is bounded, the verdict is computed
here, and the samples are kept small.
"""

import json

from ..checks import reasons
from ..control_characters import has_control_characters

BROWSER_FAILURES = (
    reasons.SERVER_UNREACHABLE,
    reasons.OFFLINE,
    reasons.TIMEOUT,
    reasons.TRANSFER_BLOCKED,
    # A round trip too long to measure the link in the time allowed (half a second and more).
    reasons.LATENCY_HIGH,
)
FIGURES = {
    "download_mbps": 100_000.0,
    "upload_mbps": 100_000.0,
    "latency_ms": 60_000.0,
    "jitter_ms": 60_000.0,
}
MEDIA_ROUTES = ("udp", "tcp", "tls", "relay-udp", "relay-tcp", "none")
CANDIDATE_TYPES = ("host", "srflx", "prflx", "relay")
MEDIA_FIGURES = {
    "media_connect_ms": 120_000.0,
    "media_rtt_ms": 60_000.0,
    "media_jitter_ms": 60_000.0,
    "media_loss_up_percent": 100.0,
    "media_loss_down_percent": 100.0,
}
MAX_SAMPLES_JSON = 32 * 1024
MAX_BYTES_USED = 10 * 1024**3
MAX_DURATION_MS = 10 * 60 * 1000


class ReportError(ValueError):
    """The field that is wrong, and why (in English: it is for developers, not patients)."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field


def number(data: dict, name: str, upper: float, required: bool) -> float | None:
    value = data.get(name)
    if value is None:
        if required:
            raise ReportError(name, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReportError(name, "must be a number")
    if not 0 <= value <= upper or value != value:
        raise ReportError(name, f"must be between 0 and {upper:g}")
    return float(value)


def whole(data: dict, name: str, upper: int) -> int | None:
    value = number(data, name, upper, required=False)
    return None if value is None else int(value)


def choice(data: dict, name: str, allowed: tuple[str, ...]) -> str | None:
    value = data.get(name)
    if value is not None and value not in allowed:
        raise ReportError(name, f"must be one of {', '.join(allowed)}")
    return value


def parse_media(data: dict) -> dict:
    """The media-path figures: all absent when the browser could not run that check."""
    route = choice(data, "media_route", MEDIA_ROUTES)
    fields = {name: number(data, name, upper, False) for name, upper in MEDIA_FIGURES.items()}
    if route in (None, "none"):
        # Without a route nothing was measured; figures sent anyway are not kept.
        fields = dict.fromkeys(MEDIA_FIGURES)
    fields.update(
        media_route=route,
        media_candidate_type=None
        if route in (None, "none")
        else choice(data, "media_candidate_type", CANDIDATE_TYPES),
    )
    return fields


def parse_report(data) -> dict:
    """The fields of a ConnectionResult, from the browser's JSON; raises ReportError."""
    if not isinstance(data, dict):
        raise ReportError("body", "must be a JSON object")
    failure = data.get("failure")
    if failure is not None and failure not in BROWSER_FAILURES:
        raise ReportError("failure", f"must be one of {', '.join(BROWSER_FAILURES)}")
    fields = {name: number(data, name, upper, not failure) for name, upper in FIGURES.items()}
    samples = data.get("samples") or {}
    if not isinstance(samples, dict):
        raise ReportError("samples", "must be an object")
    if len(json.dumps(samples)) > MAX_SAMPLES_JSON:
        raise ReportError("samples", "is too large")
    connection_type = data.get("connection_type")
    if connection_type is not None and (
        not isinstance(connection_type, str)
        or len(connection_type) > 32
        or has_control_characters(connection_type)
    ):
        raise ReportError("connection_type", "must be a short text")
    # Latency under load: optional (a failed or interrupted test may not have it).
    for name in ("loaded_latency_down_ms", "loaded_latency_up_ms"):
        fields[name] = number(data, name, FIGURES["latency_ms"], required=False)
    fields.update(
        failure=failure,
        samples=samples,
        bytes_used=whole(data, "bytes_used", MAX_BYTES_USED),
        duration_ms=whole(data, "duration_ms", MAX_DURATION_MS),
        connection_type=connection_type,
    )
    fields.update(parse_media(data))
    return fields

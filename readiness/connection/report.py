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
)
FIGURES = {
    "download_mbps": 100_000.0,
    "upload_mbps": 100_000.0,
    "latency_ms": 60_000.0,
    "jitter_ms": 60_000.0,
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
    fields.update(
        failure=failure,
        samples=samples,
        bytes_used=whole(data, "bytes_used", MAX_BYTES_USED),
        duration_ms=whole(data, "duration_ms", MAX_DURATION_MS),
        connection_type=connection_type,
    )
    return fields

"""Hear yourself: the patient records 3 seconds on the microphone step and plays them back.

Pure: no Flask. The recording never leaves the page (static/js/echo.js); the server receives only
the patient's answer, checked here, and stores it as a new microphone result: heard clearly, the
microphone works; heard badly or not at all, reason echo_not_heard (video with limits: a headset,
the right input).
"""

from ..checks import reasons
from ..vocabulary import DeviceStatus
from .help import InvalidResult

CLEARLY, BADLY, NOT_AT_ALL = "clearly", "badly", "not_at_all"
ANSWERS = (CLEARLY, BADLY, NOT_AT_ALL)


def read_echo_answer(payload) -> str:
    """The answer from the page's JSON ({"answer": "clearly" | "badly" | "not_at_all"})."""
    if not isinstance(payload, dict):
        raise InvalidResult("send a JSON object with answer")
    answer = payload.get("answer")
    if answer not in ANSWERS:
        raise InvalidResult(f"answer must be one of {', '.join(ANSWERS)}")
    return answer


def echo_result(answer: str, previous: tuple[str, dict] | None) -> tuple[str, str | None, dict]:
    """(status, reason, details) of the microphone once the patient has answered. previous:
    the microphone's latest (status, details), whose figures a passed test keeps."""
    details = dict(previous[1] or {}) if previous and previous[0] == DeviceStatus.PASS else {}
    details["echo"] = answer
    if answer == CLEARLY:
        return DeviceStatus.PASS, None, details
    return DeviceStatus.FAIL, reasons.ECHO_NOT_HEARD, details

"""The pure rules behind hearing oneself back and the video platform's probes."""

import pytest

from readiness.checks import reasons
from readiness.checks.overall import device_verdict
from readiness.connection.platform import read_reachable, with_platform
from readiness.devices.echo import echo_result, read_echo_answer
from readiness.devices.help import InvalidResult

PASSED = ("pass", {"speech_ms": 420, "microphones": 2})


def test_heard_clearly_passes_and_keeps_the_level_tests_figures():
    assert echo_result("clearly", PASSED) == (
        "pass",
        None,
        {"speech_ms": 420, "microphones": 2, "echo": "clearly"},
    )


@pytest.mark.parametrize("answer", ["badly", "not_at_all"])
def test_heard_badly_or_not_at_all_fails_with_its_own_reason(answer):
    status, reason, details = echo_result(answer, PASSED)
    assert (status, reason, details["echo"]) == ("fail", reasons.ECHO_NOT_HEARD, answer)


def test_a_failed_level_tests_figures_are_not_carried_over():
    assert echo_result("clearly", ("fail", {"speech_ms": 0})) == ("pass", None, {"echo": "clearly"})
    assert echo_result("badly", None)[2] == {"echo": "badly"}


@pytest.mark.parametrize("payload", [None, [], {"answer": None}, {"answer": "so-so"}])
def test_only_the_three_answers_are_read(payload):
    with pytest.raises(InvalidResult):
        read_echo_answer(payload)


def test_a_voice_heard_badly_is_video_with_limits_not_a_phone_visit():
    results = {kind: ("pass", None) for kind in ("camera", "speakers", "browser")}
    results["microphone"] = ("fail", reasons.ECHO_NOT_HEARD)
    assert device_verdict(results) == ("limited", [reasons.ECHO_NOT_HEARD])
    results["microphone"] = ("fail", reasons.NO_SOUND)
    assert device_verdict(results)[0] == "not_ready"


def test_no_platform_probe_answering_limits_a_ready_connection():
    assert with_platform(("ready", []), False, None) == ("limited", [reasons.PLATFORM_BLOCKED])
    assert with_platform(("not_ready", ["download_low"]), False, None) == (
        "not_ready",
        ["download_low", reasons.PLATFORM_BLOCKED],
    )


@pytest.mark.parametrize("reachable", [True, None])
def test_a_reachable_or_unprobed_platform_changes_nothing(reachable):
    assert with_platform(("ready", []), reachable, None) == ("ready", [])


@pytest.mark.parametrize("failure", [reasons.OFFLINE, reasons.SERVER_UNREACHABLE])
def test_a_test_that_never_reached_us_says_nothing_of_the_platform(failure):
    assert with_platform(("not_ready", [failure]), False, failure) == ("not_ready", [failure])


def test_the_platform_answer_is_a_boolean_kept_only_with_probes():
    assert read_reachable({"platform_reachable": False}, True) is False
    assert read_reachable({"platform_reachable": True}, False) is None
    assert read_reachable({}, True) is None
    with pytest.raises(ValueError):
        read_reachable({"platform_reachable": "false"}, True)

from readiness.checks import reasons
from readiness.checks.overall import overall_verdict, setting_reasons

ALL_PASS = {kind: ("pass", None) for kind in ("camera", "microphone", "speakers", "browser")}


def test_everything_good_is_ready():
    result = overall_verdict(("ready", []), ALL_PASS, [])
    assert (result.verdict, result.reasons, result.missing) == ("ready", [], [])


def test_the_worst_part_decides():
    result = overall_verdict(("limited", [reasons.UPLOAD_LOW]), ALL_PASS, [])
    assert result.verdict == "limited"
    assert result.reasons == [reasons.UPLOAD_LOW]


def test_a_camera_that_fails_or_is_skipped_means_a_phone_visit():
    failed = dict(ALL_PASS, camera=("fail", reasons.PERMISSION_DENIED))
    assert overall_verdict(("ready", []), failed, []).verdict == "not_ready"
    skipped = dict(ALL_PASS, camera=("skipped", None))
    result = overall_verdict(("ready", []), skipped, [])
    assert result.verdict == "not_ready"
    # "I do not have a camera" says nothing about the microphone, tested on its own.
    assert result.reasons == [reasons.NO_CAMERA]


def test_an_in_app_browser_only_limits_the_visit():
    devices = dict(ALL_PASS, browser=("fail", reasons.IN_APP_BROWSER))
    assert overall_verdict(("ready", []), devices, []).verdict == "limited"


def test_setting_answers_limit_the_visit_and_say_why():
    found = setting_reasons(private_place=False, public_wifi=True, phone_at_hand=False)
    assert found == [reasons.NOT_PRIVATE, reasons.PUBLIC_WIFI, reasons.NO_BACKUP_PHONE]
    assert overall_verdict(("ready", []), ALL_PASS, found).verdict == "limited"
    assert setting_reasons(private_place=True, public_wifi=False, phone_at_hand=True) == []


def test_parts_not_done_are_reported_missing_not_guessed():
    result = overall_verdict(None, None, None)
    assert result.verdict is None
    assert result.missing == ["connection", "devices", "setting"]
    result = overall_verdict(("ready", []), None, [])
    assert result.verdict == "ready" and result.missing == ["devices"]


def test_a_connection_test_that_failed_outright_is_not_ready():
    result = overall_verdict((None, [reasons.SERVER_UNREACHABLE]), ALL_PASS, [])
    assert result.verdict == "not_ready"
    assert reasons.SERVER_UNREACHABLE in result.reasons
    assert result.missing == []

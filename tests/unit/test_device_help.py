"""Which instructions each failure gets on each browser and system; setting advice; validation."""

import pytest

from readiness.checks import reasons
from readiness.devices.browser_support import Environment
from readiness.devices.help import (
    DEVICE_REASONS,
    InvalidResult,
    instruction_blocks,
    read_browser_report,
    read_device_result,
    setting_advice,
)
from readiness.devices.instructions import BLOCKS


def env(browser, system, device="computer"):
    return Environment(device_type=device, system=system, browser=browser)


@pytest.mark.parametrize(
    "browser, system, device, expected",
    [
        ("chrome", "windows", "computer", ["permission_chrome_desktop", "privacy_windows"]),
        ("chrome", "macos", "computer", ["permission_chrome_desktop", "privacy_macos"]),
        ("edge", "windows", "computer", ["permission_edge_desktop", "privacy_windows"]),
        ("firefox", "windows", "computer", ["permission_firefox_desktop", "privacy_windows"]),
        ("safari", "macos", "computer", ["permission_safari_macos"]),
        ("safari", "ios", "phone", ["permission_safari_ios", "permission_ios_settings_safari"]),
        ("chrome", "ios", "phone", ["permission_ios_settings_app"]),
        (
            "chrome",
            "android",
            "phone",
            ["permission_chromium_android", "permission_android_system"],
        ),
        ("edge", "android", "phone", ["permission_chromium_android", "permission_android_system"]),
        (
            "firefox",
            "android",
            "phone",
            ["permission_firefox_android", "permission_android_system"],
        ),
        ("samsung", "android", "tablet", ["permission_samsung", "permission_android_system"]),
        (None, None, "computer", ["permission_generic"]),
    ],
)
def test_permission_refused_gets_the_steps_for_its_browser_and_system(
    browser, system, device, expected
):
    assert instruction_blocks(reasons.PERMISSION_DENIED, env(browser, system, device)) == expected


def test_every_reason_on_every_browser_and_system_has_instructions_that_exist():
    combinations = [
        env(browser, system, device)
        for browser in ("chrome", "safari", "firefox", "edge", "samsung", None)
        for system, device in (
            ("android", "phone"),
            ("ios", "phone"),
            ("windows", "computer"),
            ("macos", "computer"),
            ("linux", "computer"),
        )
    ]
    for reason in {code for codes in DEVICE_REASONS.values() for code in codes}:
        for environment in combinations:
            blocks = instruction_blocks(reason, environment)
            assert blocks, (reason, environment)
            assert all(key in BLOCKS and BLOCKS[key].steps for key in blocks)


def test_busy_not_found_and_not_heard_differ_between_phone_and_computer():
    phone, laptop = env("chrome", "android", "phone"), env("chrome", "windows")
    assert instruction_blocks(reasons.DEVICE_BUSY, phone) == ["busy_phone"]
    assert instruction_blocks(reasons.DEVICE_BUSY, laptop) == ["busy_computer"]
    assert instruction_blocks(reasons.DEVICE_NOT_FOUND, laptop) == [
        "not_found_computer",
        "privacy_windows",
    ]
    assert "not_heard_android" in instruction_blocks(reasons.NOT_HEARD, phone)
    assert "not_heard_windows" in instruction_blocks(reasons.NOT_HEARD, laptop)
    assert "not_heard_ios" in instruction_blocks(reasons.NOT_HEARD, env("safari", "ios", "phone"))


def test_in_app_browser_steps_follow_the_system():
    assert instruction_blocks(reasons.IN_APP_BROWSER, env(None, "ios", "phone")) == ["in_app_ios"]
    assert instruction_blocks(reasons.IN_APP_BROWSER, env(None, "android", "phone")) == [
        "in_app_android"
    ]


def test_setting_advice_for_each_worrying_answer_only():
    assert (
        setting_advice(
            {"private_place": True, "public_wifi": False, "phone_at_hand": True, "headset": True}
        )
        == []
    )
    assert setting_advice(
        {"private_place": False, "public_wifi": True, "phone_at_hand": False, "headset": False}
    ) == [reasons.NOT_PRIVATE, reasons.PUBLIC_WIFI, reasons.NO_BACKUP_PHONE, "no_headset"]


def test_a_headset_changes_the_advice_for_a_place_that_is_not_private():
    answers = {"private_place": False, "public_wifi": False, "phone_at_hand": True}
    assert setting_advice({**answers, "headset": True}) == ["not_private_with_headset"]
    assert setting_advice({**answers, "headset": False}) == [reasons.NOT_PRIVATE, "no_headset"]


def test_every_setting_advice_has_words():
    from readiness.devices.instructions import SETTING_ADVICE

    for answers in (
        {"private_place": False, "public_wifi": True, "phone_at_hand": False, "headset": False},
        {"private_place": False, "headset": True},
    ):
        assert all(key in SETTING_ADVICE for key in setting_advice(answers))


def test_device_result_is_read_with_its_reason_and_details():
    kind, status, reason, details = read_device_result(
        {"kind": "camera", "status": "pass", "details": {"width": 1280, "height": 720}}
    )
    assert (kind, status, reason, details) == (
        "camera",
        "pass",
        None,
        {"width": 1280, "height": 720},
    )


def test_skipped_camera_is_recorded_as_no_device():
    assert read_device_result({"kind": "camera", "status": "skipped"})[:3] == (
        "camera",
        "skipped",
        reasons.DEVICE_NOT_FOUND,
    )


@pytest.mark.parametrize(
    "payload, message",
    [
        ([], "JSON object"),
        ({"kind": "webcam", "status": "pass"}, "kind must be"),
        ({"kind": "camera", "status": "ok"}, "status must be"),
        ({"kind": "camera", "status": "fail"}, "needs a reason"),
        ({"kind": "speakers", "status": "fail", "reason": "black_picture"}, "needs a reason"),
        ({"kind": "camera", "status": "pass", "reason": "device_busy"}, "no reason"),
        ({"kind": "microphone", "status": "skipped"}, "cannot be skipped"),
        ({"kind": "camera", "status": "pass", "details": {"frame": [1, 2]}}, "must be a number"),
        ({"kind": "camera", "status": "pass", "details": {"note": "x" * 81}}, "longer than"),
        ({"kind": "camera", "status": "pass", "details": "big"}, "details must be"),
    ],
)
def test_bad_device_results_are_refused_with_a_clear_message(payload, message):
    with pytest.raises(InvalidResult, match=message):
        read_device_result(payload)


def test_browser_report_needs_every_feature_as_true_or_false():
    features = {
        "media_devices": True,
        "peer_connection": True,
        "secure_context": True,
        "audio_context": True,
        "sink_choice": False,
    }
    assert read_browser_report({"kind": "browser", "features": features, "touch_points": 5}) == (
        features,
        5,
    )
    with pytest.raises(InvalidResult, match="media_devices"):
        read_browser_report({"kind": "browser", "features": {"media_devices": "yes"}})

import itertools

import pytest
from flask_babel import force_locale

from readiness import create_app
from readiness.checks import reasons
from readiness.desk import scripts
from readiness.desk.scripts import SCRIPTS, caller_environment, script_keys

SYSTEMS = [None, *scripts.SYSTEM_NAMES]
BROWSERS = [None, *scripts.BROWSER_NAMES]


@pytest.mark.parametrize("reason", reasons.ALL)
def test_every_reason_has_a_script_on_every_system_and_browser(reason):
    for system, browser in itertools.product(SYSTEMS, BROWSERS):
        keys = script_keys(reason, system, browser)
        assert keys, f"no script for {reason} on {system}/{browser}"
        assert all(key in SCRIPTS for key in keys)


def test_every_script_is_a_few_short_sentences_to_read_aloud():
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    for lang in ("en_CA", "fr_CA"):
        with app.test_request_context(), force_locale(lang):
            for script in SCRIPTS.values():
                assert 2 <= len(script.lines) <= 5, script.key
                assert str(script.title) and len(str(script.title)) <= 80, script.key
                for line in script.lines:
                    assert len(str(line)) <= 180, str(line)


def test_camera_permission_in_safari_on_ios_is_not_the_same_as_chrome_on_android():
    assert script_keys("permission_denied", "ios", "safari") == ["permission_safari_ios"]
    assert script_keys("permission_denied", "ios", "chrome") == ["permission_ios_app"]
    assert script_keys("permission_denied", "android", "chrome") == ["permission_chrome_android"]
    assert script_keys("permission_denied", "android", "samsung") == ["permission_samsung"]
    assert script_keys("permission_denied", "android", "firefox") == ["permission_firefox_android"]


def test_permission_on_a_computer_adds_the_systems_privacy_settings():
    assert script_keys("permission_denied", "windows", "edge") == [
        "permission_edge_desktop",
        "privacy_windows",
    ]
    assert script_keys("permission_denied", "macos", "chrome") == [
        "permission_chrome_desktop",
        "privacy_macos",
    ]
    assert script_keys("permission_denied", "macos", "safari") == ["permission_safari_macos"]
    assert script_keys("permission_denied", "linux", "firefox") == ["permission_firefox_desktop"]


def test_device_not_found_on_a_computer_points_at_windows_or_mac_privacy():
    assert script_keys("device_not_found", "windows", "chrome") == [
        "not_found_computer",
        "privacy_windows",
    ]
    assert script_keys("device_not_found", "macos", "firefox") == [
        "not_found_computer",
        "privacy_macos",
    ]
    assert script_keys("device_not_found", "android", "chrome") == ["not_found_phone"]


def test_sound_not_heard_means_the_silent_switch_on_ios_and_media_volume_on_android():
    assert script_keys("not_heard", "ios", "safari") == ["not_heard_ios"]
    assert script_keys("not_heard", "android", "samsung") == ["not_heard_android"]
    assert script_keys("not_heard", "windows", "edge") == ["not_heard_computer"]


def test_busy_device_and_in_app_browser_depend_on_phone_or_computer():
    assert script_keys("device_busy", "ios", "safari") == ["busy_phone"]
    assert script_keys("device_busy", None, None, "tablet") == ["busy_phone"]
    assert script_keys("device_busy", "windows", "chrome") == ["busy_computer"]
    assert script_keys("in_app_browser", "ios", None) == ["in_app_ios"]
    assert script_keys("in_app_browser", "android", None) == ["in_app_android"]


def test_caller_environment_reads_the_device_summary_and_ignores_what_it_does_not_know():
    summary = {"system": "ios", "browser": "safari", "device_type": "phone", "in_app": None}
    assert caller_environment(summary) == {
        "system": "ios",
        "browser": "safari",
        "device_type": "phone",
    }
    assert caller_environment({"system": "beos", "browser": "netscape"})["system"] is None
    assert caller_environment(None) == {"system": None, "browser": None, "device_type": None}


def test_scripts_read_in_french_for_a_french_speaking_caller():
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    with app.test_request_context(), force_locale("fr_CA"):
        script = SCRIPTS["permission_safari_ios"]
        assert str(script.title) == "Autorisation refusée\u00a0: Safari sur iPhone ou iPad"
        assert str(script.lines[1]) == "Touchez «\u00a0Réglages du site web\u00a0»."

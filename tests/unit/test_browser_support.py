"""Reading the User-Agent and judging the browser against the support matrix."""

import pytest

from readiness.checks import reasons
from readiness.devices.browser_support import DEFAULT_SUPPORT_MATRIX, evaluate, parse_user_agent

ALL_FEATURES = {"media_devices": True, "peer_connection": True, "secure_context": True}

UA = {
    "chrome_windows": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    ),
    "edge_windows": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86"
    ),
    "firefox_mac": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0"
    ),
    "safari_mac": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Safari/605.1.15"
    ),
    "safari_iphone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
    ),
    "chrome_iphone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1"
    ),
    "safari_ipad_old": (
        "Mozilla/5.0 (iPad; CPU OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1"
    ),
    "chrome_android": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.6778.81 Mobile Safari/537.36"
    ),
    "samsung_tablet": (
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/26.0 Chrome/122.0.0.0 Safari/537.36"
    ),
    "old_samsung": (
        "Mozilla/5.0 (Linux; Android 9; SM-J730F) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/9.2 Chrome/67.0.3396.87 Mobile Safari/537.36"
    ),
    "facebook_android": (
        "Mozilla/5.0 (Linux; Android 13; SM-S908W Build/TP1A; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/445.0.0.34.118;]"
    ),
    "messenger_iphone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/440.0;FBBV/1]"
    ),
    "wechat_android": (
        "Mozilla/5.0 (Linux; Android 12; V2145A; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/101.0.4951.74 Mobile Safari/537.36 MicroMessenger/8.0.40"
    ),
    "gmail_google_app_iphone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) GSA/300.0.598994205 Mobile/15E148 Safari/604.1"
    ),
    "android_webview": (
        "Mozilla/5.0 (Linux; Android 12; SM-A525F; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/118.0.5993.111 Mobile Safari/537.36"
    ),
    "ios_webview": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148"
    ),
    "ipad_desktop_mode": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.2 Safari/605.1.15"
    ),
}


@pytest.mark.parametrize(
    "name, device, system, browser, major",
    [
        ("chrome_windows", "computer", "windows", "chrome", 131),
        ("edge_windows", "computer", "windows", "edge", 131),
        ("firefox_mac", "computer", "macos", "firefox", 133),
        ("safari_mac", "computer", "macos", "safari", 17),
        ("safari_iphone", "phone", "ios", "safari", 17),
        ("chrome_iphone", "phone", "ios", "chrome", 120),
        ("chrome_android", "phone", "android", "chrome", 131),
        ("samsung_tablet", "tablet", "android", "samsung", 26),
    ],
)
def test_user_agent_gives_device_system_and_browser(name, device, system, browser, major):
    environment = parse_user_agent(UA[name])
    assert environment.device_type == device
    assert environment.system == system
    assert environment.browser == browser
    assert environment.browser_major == major
    assert environment.in_app is None


def test_ipad_asking_for_the_desktop_site_is_recognised_by_its_touch_screen():
    assert parse_user_agent(UA["ipad_desktop_mode"]).system == "macos"
    ipad = parse_user_agent(UA["ipad_desktop_mode"], touch_points=5)
    assert (ipad.system, ipad.device_type, ipad.system_name) == ("ios", "tablet", "iPadOS")


@pytest.mark.parametrize(
    "name, app",
    [
        ("facebook_android", "Facebook"),
        ("messenger_iphone", "Messenger"),
        ("wechat_android", "WeChat"),
        ("gmail_google_app_iphone", "Gmail"),
        ("android_webview", "Android WebView"),
        ("ios_webview", "iOS app"),
    ],
)
def test_in_app_browsers_are_recognised(name, app):
    assert parse_user_agent(UA[name]).in_app == app


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 Instagram 312.0.0.32.112",
        "Mozilla/5.0 (Linux; Android 14; Pixel 7; wv) AppleWebKit/537.36 Chrome/120.0 Mobile "
        "Safari/537.36 LinkedInApp/9.29",
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36 "
        "TwitterAndroid",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "Mobile/15E148 Snapchat/12.60.0.46",
        "Mozilla/5.0 (Linux; Android 13; wv) AppleWebKit/537.36 Chrome/119.0 Mobile Safari/537.36 "
        "musical_ly_2023205030",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 "
        "Mobile/15E148 Safari Line/13.17.0",
    ],
)
def test_social_apps_are_told_apart_from_real_browsers(ua):
    assert parse_user_agent(ua).in_app is not None


def test_current_browsers_with_every_feature_pass():
    for name in ("chrome_windows", "edge_windows", "firefox_mac", "safari_iphone", "chrome_iphone"):
        support = evaluate(parse_user_agent(UA[name]), ALL_FEATURES, DEFAULT_SUPPORT_MATRIX)
        assert (support.status, support.reason) == ("pass", None), name


def test_in_app_browser_fails_with_its_reason_even_when_the_camera_would_work():
    support = evaluate(
        parse_user_agent(UA["facebook_android"]), ALL_FEATURES, DEFAULT_SUPPORT_MATRIX
    )
    assert (support.status, support.reason) == ("fail", reasons.IN_APP_BROWSER)
    assert support.recommended == "chrome"


def test_browser_older_than_the_matrix_is_unsupported():
    support = evaluate(parse_user_agent(UA["old_samsung"]), ALL_FEATURES, DEFAULT_SUPPORT_MATRIX)
    assert (support.status, support.reason) == ("fail", reasons.UNSUPPORTED_BROWSER)


def test_old_ios_is_unsupported_whatever_the_browser():
    support = evaluate(
        parse_user_agent(UA["safari_ipad_old"]), ALL_FEATURES, DEFAULT_SUPPORT_MATRIX
    )
    assert support.reason == reasons.UNSUPPORTED_BROWSER
    assert support.recommended == "safari"


def test_missing_webrtc_is_unsupported_and_named():
    features = dict(ALL_FEATURES, peer_connection=False)
    support = evaluate(parse_user_agent(UA["chrome_windows"]), features, DEFAULT_SUPPORT_MATRIX)
    assert (support.status, support.reason) == ("fail", reasons.UNSUPPORTED_BROWSER)
    assert support.missing_features == ["peer_connection"]


def test_insecure_page_comes_before_everything_else():
    features = dict(ALL_FEATURES, secure_context=False, media_devices=False)
    support = evaluate(parse_user_agent(UA["chrome_windows"]), features, DEFAULT_SUPPORT_MATRIX)
    assert support.reason == reasons.INSECURE_PAGE


def test_matrix_from_configuration_decides_versions_and_recommendation():
    matrix = {"browsers": {"chrome": 140}, "recommended": {"windows": "firefox"}}
    support = evaluate(parse_user_agent(UA["chrome_windows"]), ALL_FEATURES, matrix)
    assert (support.status, support.reason) == ("fail", reasons.UNSUPPORTED_BROWSER)
    assert support.recommended == "firefox"


def test_unknown_browser_with_every_feature_passes():
    environment = parse_user_agent("SomeNewBrowser/1.0 (X11; Linux x86_64)")
    support = evaluate(environment, ALL_FEATURES, DEFAULT_SUPPORT_MATRIX)
    assert environment.browser is None
    assert support.status == "pass"

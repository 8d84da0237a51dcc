"""Which instructions a patient needs for a failed device check, and advice from their setting.

Pure: no Flask. A reason code and the patient's environment give a list of instruction blocks
(keys of readiness.device_instructions.BLOCKS), most specific first: the browser's own steps,
then the system's settings. The support desk's scripts can use the same keys.
"""

from ..checks import reasons
from ..vocabulary import DeviceKind, DeviceStatus
from .browser_support import (
    ANDROID,
    CHROME,
    EDGE,
    FIREFOX,
    IOS,
    MACOS,
    OPERA,
    PHONE,
    SAFARI,
    SAMSUNG,
    TABLET,
    WINDOWS,
    Environment,
)

# Which reasons each device check can give, and so which instructions its page carries.
DEVICE_REASONS = {
    DeviceKind.CAMERA: (
        reasons.PERMISSION_DENIED,
        reasons.DEVICE_NOT_FOUND,
        reasons.DEVICE_BUSY,
        reasons.DEVICE_CONSTRAINTS,
        reasons.INSECURE_PAGE,
        reasons.BLACK_PICTURE,
        reasons.NO_CAMERA,
    ),
    DeviceKind.MICROPHONE: (
        reasons.PERMISSION_DENIED,
        reasons.DEVICE_NOT_FOUND,
        reasons.DEVICE_BUSY,
        reasons.DEVICE_CONSTRAINTS,
        reasons.INSECURE_PAGE,
        reasons.NO_SOUND,
        reasons.ECHO_NOT_HEARD,
    ),
    DeviceKind.SPEAKERS: (reasons.NOT_HEARD,),
    DeviceKind.BROWSER: (
        reasons.UNSUPPORTED_BROWSER,
        reasons.IN_APP_BROWSER,
        reasons.INSECURE_PAGE,
    ),
}

# Given only by the patient's answer to hearing their own recording (readiness.devices.echo).
ECHO_ONLY = {reasons.ECHO_NOT_HEARD}

# The camera is the one device a patient may go without: the visit is then by phone.
SKIPPABLE = {DeviceKind.CAMERA: reasons.DEVICE_NOT_FOUND}


def is_mobile(environment: Environment) -> bool:
    return environment.device_type in (PHONE, TABLET) or environment.system in (IOS, ANDROID)


def permission_blocks(environment: Environment) -> list[str]:
    browser, system = environment.browser, environment.system
    if system == IOS:
        if browser in (SAFARI, None):
            return ["permission_safari_ios", "permission_ios_settings_safari"]
        return ["permission_ios_settings_app"]
    if system == ANDROID:
        first = {
            SAMSUNG: "permission_samsung",
            FIREFOX: "permission_firefox_android",
        }.get(browser or "", "permission_chromium_android")
        return [first, "permission_android_system"]
    first = {
        CHROME: "permission_chrome_desktop",
        OPERA: "permission_chrome_desktop",
        EDGE: "permission_edge_desktop",
        FIREFOX: "permission_firefox_desktop",
        SAFARI: "permission_safari_macos",
    }.get(browser or "", "permission_generic")
    return [first, *system_privacy_blocks(environment)]


def system_privacy_blocks(environment: Environment) -> list[str]:
    """Windows and macOS can keep a browser away from the camera and microphone altogether."""
    if environment.system == WINDOWS:
        return ["privacy_windows"]
    if environment.system == MACOS and environment.browser != SAFARI:
        return ["privacy_macos"]
    return []


def instruction_blocks(reason: str, environment: Environment) -> list[str]:
    """The instruction blocks for one failure on this patient's browser and system."""
    mobile = is_mobile(environment)
    system = environment.system
    if reason == reasons.PERMISSION_DENIED:
        return permission_blocks(environment)
    if reason == reasons.DEVICE_BUSY:
        return ["busy_phone" if mobile else "busy_computer"]
    if reason in (reasons.DEVICE_NOT_FOUND, reasons.NO_CAMERA):
        if mobile:
            return ["not_found_phone"]
        return ["not_found_computer", *system_privacy_blocks(environment)]
    if reason == reasons.DEVICE_CONSTRAINTS:
        return ["constraints"]
    if reason == reasons.INSECURE_PAGE:
        return ["insecure_page"]
    if reason == reasons.BLACK_PICTURE:
        return ["black_picture_phone" if mobile else "black_picture_computer"]
    if reason == reasons.NO_SOUND:
        blocks = ["no_sound"]
        return blocks + ([] if mobile else system_privacy_blocks(environment))
    if reason == reasons.ECHO_NOT_HEARD:
        return ["echo_not_heard"]
    if reason == reasons.NOT_HEARD:
        system_block = {
            IOS: "not_heard_ios",
            ANDROID: "not_heard_android",
            WINDOWS: "not_heard_windows",
            MACOS: "not_heard_macos",
        }.get(system or "", "not_heard_computer")
        return ["not_heard_volume", system_block, "not_heard_bluetooth"]
    if reason == reasons.IN_APP_BROWSER:
        return ["in_app_ios" if system == IOS else "in_app_android" if mobile else "in_app_generic"]
    if reason == reasons.UNSUPPORTED_BROWSER:
        return ["unsupported_ios" if system == IOS else "unsupported_browser"]
    return []


# The setting checklist: which answer calls for advice.
SETTING_ADVICE_FOR = {
    "private_place": (False, reasons.NOT_PRIVATE),
    "public_wifi": (True, reasons.PUBLIC_WIFI),
    "phone_at_hand": (False, reasons.NO_BACKUP_PHONE),
    "headset": (False, "no_headset"),
}


def setting_advice(answers: dict[str, bool | None]) -> list[str]:
    """Advice keys for the answers that call for it, in the checklist's order."""
    keys = [
        key for name, (worrying, key) in SETTING_ADVICE_FOR.items() if answers.get(name) is worrying
    ]
    if reasons.NOT_PRIVATE in keys and answers.get("headset") is True:
        # A headset keeps the clinician's side of the talk private: say so.
        keys[keys.index(reasons.NOT_PRIVATE)] = "not_private_with_headset"
    return keys


class InvalidResult(ValueError):
    """A device result the server will not store; the message says what is wrong."""


DETAIL_KEY_LENGTH = 32
DETAIL_TEXT_LENGTH = 80
MAX_DETAILS = 12


def clean_details(details) -> dict:
    """Small flat facts about the test (resolution, counts, error name), nothing captured."""
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise InvalidResult("details must be an object")
    if len(details) > MAX_DETAILS:
        raise InvalidResult(f"details may hold at most {MAX_DETAILS} entries")
    cleaned = {}
    for key, value in details.items():
        if not (isinstance(key, str) and key.replace("_", "").isalnum()):
            raise InvalidResult("detail names are letters, digits and underscores")
        if len(key) > DETAIL_KEY_LENGTH:
            raise InvalidResult(f"detail names have at most {DETAIL_KEY_LENGTH} characters")
        if isinstance(value, str):
            if len(value) > DETAIL_TEXT_LENGTH:
                raise InvalidResult(f"detail {key} is longer than {DETAIL_TEXT_LENGTH} characters")
        elif value is not None and not isinstance(value, bool | int | float):
            raise InvalidResult(f"detail {key} must be a number, true/false or short text")
        cleaned[key] = value
    return cleaned


def read_device_result(payload) -> tuple[str, str, str | None, dict]:
    """Validate a camera, microphone or speakers result: (kind, status, reason, details)."""
    if not isinstance(payload, dict):
        raise InvalidResult("send a JSON object with kind, status and reason")
    kind = payload.get("kind")
    if kind not in (DeviceKind.CAMERA, DeviceKind.MICROPHONE, DeviceKind.SPEAKERS):
        raise InvalidResult("kind must be camera, microphone or speakers")
    status = payload.get("status")
    reason = payload.get("reason") or None
    if status == DeviceStatus.PASS:
        if reason is not None:
            raise InvalidResult("a passed check has no reason")
    elif status == DeviceStatus.FAIL:
        if reason in ECHO_ONLY:
            raise InvalidResult(f"{reason} comes from the patient's answer: devices/echo/result")
        if reason not in DEVICE_REASONS[kind]:
            allowed = ", ".join(DEVICE_REASONS[kind])
            raise InvalidResult(f"a failed {kind} check needs a reason among: {allowed}")
    elif status == DeviceStatus.SKIPPED:
        if kind not in SKIPPABLE:
            raise InvalidResult(f"the {kind} check cannot be skipped")
        if reason not in (None, SKIPPABLE[kind]):
            raise InvalidResult(f"a skipped {kind} is recorded with reason {SKIPPABLE[kind]}")
        reason = SKIPPABLE[kind]
    else:
        raise InvalidResult("status must be pass, fail or skipped")
    return kind, status, reason, clean_details(payload.get("details"))


FEATURES = ("media_devices", "peer_connection", "secure_context", "audio_context", "sink_choice")


def read_browser_report(payload) -> tuple[dict, int]:
    """The page's feature detection: (features as booleans, touch points)."""
    if not isinstance(payload, dict) or payload.get("kind") != DeviceKind.BROWSER:
        raise InvalidResult("send a JSON object with kind browser and features")
    features = payload.get("features")
    if not isinstance(features, dict):
        raise InvalidResult("features must be an object of true/false values")
    cleaned = {}
    for name in FEATURES:
        value = features.get(name)
        if not isinstance(value, bool):
            raise InvalidResult(f"feature {name} must be true or false")
        cleaned[name] = value
    touch_points = payload.get("touch_points", 0)
    if not isinstance(touch_points, int) or isinstance(touch_points, bool) or touch_points < 0:
        raise InvalidResult("touch_points must be a whole number")
    return cleaned, min(touch_points, 64)

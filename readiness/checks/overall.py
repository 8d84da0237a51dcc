"""The overall verdict: connection, devices and setting together. Pure: no Flask, no database.

Each part gives a verdict and reason codes; the overall verdict is the worst of them. "Ready"
needs every part of the same attempt (one Check): a connection test, a result for each of the
camera, microphone, speakers and browser, and the setting answers. A part not done yet is
reported as missing, not guessed: until everything is in, the verdict is None ("not known yet"),
unless a part already rules video out (not ready is known as soon as one part says so).
"""

from dataclasses import dataclass, field

from ..vocabulary import DeviceKind, DeviceStatus, Verdict
from . import reasons

# Kept as names of their own: other modules read overall.READY and friends.
READY, LIMITED, NOT_READY = Verdict.READY, Verdict.LIMITED, Verdict.NOT_READY
ORDER = {READY: 0, LIMITED: 1, NOT_READY: 2}

DEVICE_KINDS = tuple(DeviceKind)
# Device problems that make a video visit impossible, and those it can go on with: no camera or
# no microphone is a phone visit; speakers not confirmed is video with limits (a headset, the
# volume); a browser opened inside another app can still work, an unsupported one cannot; a
# microphone whose recording sounded bad still carries a voice (a headset, the right input).
BLOCKING_DEVICE_KINDS = {DeviceKind.CAMERA, DeviceKind.MICROPHONE}
LIMITING_DEVICE_REASONS = {reasons.IN_APP_BROWSER, reasons.ECHO_NOT_HEARD}
# The reason a device gives when its result names none (a skipped step).
DEFAULT_DEVICE_REASONS = {
    "camera": reasons.DEVICE_NOT_FOUND,
    "microphone": reasons.DEVICE_NOT_FOUND,
    "speakers": reasons.NOT_HEARD,
    "browser": reasons.UNSUPPORTED_BROWSER,
}
LIMITING_SETTING_REASONS = {reasons.NOT_PRIVATE, reasons.PUBLIC_WIFI, reasons.NO_BACKUP_PHONE}


@dataclass
class Overall:
    verdict: str | None
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_devices: list[str] = field(default_factory=list)


def worst(*verdicts: str) -> str:
    return max(verdicts, key=ORDER.__getitem__)


def device_verdict(results: dict[str, tuple[str, str | None]]) -> tuple[str, list[str]]:
    """results: kind -> (status, reason) for the kinds tested so far (see overall_verdict for
    the kinds not tested). A skipped camera means an audio-only visit: by phone."""
    verdict, found = READY, []
    for kind, (status, reason) in sorted(results.items()):
        if status == DeviceStatus.PASS:
            continue
        code = reason or DEFAULT_DEVICE_REASONS.get(kind)
        if kind == DeviceKind.CAMERA and status == DeviceStatus.SKIPPED:
            code = reasons.NO_CAMERA
        if code and code not in found:
            found.append(code)
        if reason not in LIMITING_DEVICE_REASONS and (
            kind in BLOCKING_DEVICE_KINDS or kind == DeviceKind.BROWSER
        ):
            verdict = NOT_READY
        else:
            verdict = worst(verdict, LIMITED)
    return verdict, found


def setting_reasons(
    private_place: bool | None, public_wifi: bool | None, phone_at_hand: bool | None
) -> list[str]:
    found = []
    if private_place is False:
        found.append(reasons.NOT_PRIVATE)
    if public_wifi is True:
        found.append(reasons.PUBLIC_WIFI)
    if phone_at_hand is False:
        found.append(reasons.NO_BACKUP_PHONE)
    return found


def overall_verdict(
    connection: tuple[str | None, list[str]] | None,
    devices: dict[str, tuple[str, str | None]] | None,
    setting: list[str] | None,
) -> Overall:
    """connection: (verdict, reasons) or None; devices: kind -> (status, reason) or None;
    setting: reason codes from setting_reasons, or None when not answered."""
    verdicts, found, missing = [], [], []
    missing_devices = [kind for kind in DEVICE_KINDS if kind not in (devices or {})]
    if connection is None:
        missing.append("connection")
    else:
        # A test that could not measure at all (server unreachable, offline) is a phone visit.
        verdicts.append(connection[0] or NOT_READY)
        found.extend(connection[1])
    if missing_devices:
        missing.append("devices")
    if devices:
        verdict, device_reasons = device_verdict(devices)
        verdicts.append(verdict)
        found.extend(device_reasons)
    if setting is None:
        missing.append("setting")
    elif setting:
        verdicts.append(LIMITED)
        found.extend(setting)
    else:
        verdicts.append(READY)
    # Not everything known: only a part that already rules video out decides.
    verdict = worst(*verdicts) if not missing else NOT_READY if NOT_READY in verdicts else None
    return Overall(verdict=verdict, reasons=found, missing=missing, missing_devices=missing_devices)

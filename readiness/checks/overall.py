"""The overall verdict: connection, devices and setting together. Pure: no Flask, no database.

Each part gives a verdict and reason codes; the overall verdict is the worst of them. A part
that was not done yet is reported as missing, not guessed.
"""

from dataclasses import dataclass, field

from ..vocabulary import DeviceKind, DeviceStatus, Verdict
from . import reasons

# Kept as names of their own: other modules read overall.READY and friends.
READY, LIMITED, NOT_READY = Verdict.READY, Verdict.LIMITED, Verdict.NOT_READY
ORDER = {READY: 0, LIMITED: 1, NOT_READY: 2}

# Device problems that make a video visit impossible, and those it can go on with.
BLOCKING_DEVICE_KINDS = {DeviceKind.CAMERA, DeviceKind.MICROPHONE, DeviceKind.SPEAKERS}
LIMITING_DEVICE_REASONS = {reasons.IN_APP_BROWSER}
LIMITING_SETTING_REASONS = {reasons.NOT_PRIVATE, reasons.PUBLIC_WIFI, reasons.NO_BACKUP_PHONE}


@dataclass
class Overall:
    verdict: str | None
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def worst(*verdicts: str) -> str:
    return max(verdicts, key=ORDER.__getitem__)


def device_verdict(results: dict[str, tuple[str, str | None]]) -> tuple[str, list[str]]:
    """results: kind -> (status, reason). A skipped camera means an audio-only visit: by phone."""
    verdict, found = READY, []
    for kind, (status, reason) in sorted(results.items()):
        if status == DeviceStatus.PASS:
            continue
        code = reason or (reasons.DEVICE_NOT_FOUND if status == DeviceStatus.SKIPPED else None)
        if kind == DeviceKind.CAMERA and status == DeviceStatus.SKIPPED:
            code = reasons.NO_CAMERA
        if code and code not in found:
            found.append(code)
        if kind in BLOCKING_DEVICE_KINDS or (
            kind == DeviceKind.BROWSER and reason not in LIMITING_DEVICE_REASONS
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
    if connection is None:
        missing.append("connection")
    else:
        # A test that could not measure at all (server unreachable, offline) is a phone visit.
        verdicts.append(connection[0] or NOT_READY)
        found.extend(connection[1])
    if not devices:
        missing.append("devices")
    else:
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
    return Overall(verdict=worst(*verdicts) if verdicts else None, reasons=found, missing=missing)

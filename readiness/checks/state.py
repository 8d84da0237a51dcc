"""What a check currently says: the latest of each part, and the overall verdict.

Every attempt at each part is kept; the latest one counts.
"""

from ..models import (
    Check,
    ConnectionResult,
    ConsentRecord,
    ContactDetails,
    DeviceResult,
    SettingAnswers,
)
from ..vocabulary import ConsentDecision
from . import overall


def latest(rows):
    return rows[-1] if rows else None


def latest_connection(check: Check) -> ConnectionResult | None:
    return latest(check.connection_results)


def latest_devices(check: Check) -> dict[str, DeviceResult]:
    found: dict[str, DeviceResult] = {}
    for result in check.device_results:
        found[result.kind] = result
    return found


def latest_setting(check: Check) -> SettingAnswers | None:
    return latest(check.setting_answers)


def latest_consent(check: Check) -> ConsentRecord | None:
    return latest(check.consent_records)


def latest_contact(check: Check) -> ContactDetails | None:
    return latest(check.contact_details)


def overall_for(check: Check) -> overall.Overall:
    connection = latest_connection(check)
    devices = latest_devices(check)
    setting = latest_setting(check)
    return overall.overall_verdict(
        (connection.verdict, list(connection.reasons or [])) if connection else None,
        {kind: (row.status, row.reason) for kind, row in devices.items()} or None,
        overall.setting_reasons(setting.private_place, setting.public_wifi, setting.phone_at_hand)
        if setting
        else None,
    )


def final_verdict(check: Check) -> str | None:
    """The verdict a clinician acts on: a declined consent means a phone visit."""
    consent = latest_consent(check)
    if consent and consent.decision == ConsentDecision.DECLINED:
        return overall.NOT_READY
    return overall_for(check).verdict


def desk_code_open(check: Check, now, minutes: float) -> bool:
    """Whether the code the desk read for this check still lets a browser in: a desk-started
    check, not yet joined, not begun, and started within `minutes`."""
    from datetime import timedelta

    return (
        check.started_by_staff_id is not None
        and check.joined_at is None
        and check.step == "start"
        and check.completed_at is None
        and now - check.created_at <= timedelta(minutes=minutes)
    )

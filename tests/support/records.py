"""Made-up check results, written straight to the database for tests of later steps."""

from datetime import UTC, datetime, timedelta

from readiness.checks.invitations import create_invitation
from readiness.connection import quality
from readiness.extensions import db
from readiness.models import Check, ConnectionResult, DeviceResult, SettingAnswers


def add_results(
    check: Check, *, connection="ready", camera="pass", private_place=True, **media
) -> None:
    """A connection result, the four device results and the setting answers.

    media: the media path's figures of the connection result (media_route, media_loss_*)."""
    figures = {"ready": (48.2, 11.5, 18.0, 2.1), "limited": (4.2, 1.5, 90.0, 12.0)}
    download, upload, latency, jitter = figures.get(connection, (0.8, 0.4, 400.0, 80.0))
    db.session.add(
        ConnectionResult(
            check=check,
            download_mbps=download,
            upload_mbps=upload,
            latency_ms=latency,
            jitter_ms=jitter,
            loaded_latency_down_ms=latency + 35.0,
            loaded_latency_up_ms=latency + 60.0,
            expected_quality=quality.expectation(
                download_mbps=download,
                upload_mbps=upload,
                latency_ms=latency,
                jitter_ms=jitter,
                loaded_latency_down_ms=latency + 35.0,
                loaded_latency_up_ms=latency + 60.0,
            ).as_dict(),
            verdict=connection,
            reasons=[] if connection == "ready" else ["download_low"],
            **media,
        )
    )
    for kind in ("camera", "microphone", "speakers", "browser"):
        status = camera if kind == "camera" else "pass"
        reason = "permission_denied" if status == "fail" else None
        db.session.add(DeviceResult(check=check, kind=kind, status=status, reason=reason))
    db.session.add(
        SettingAnswers(
            check=check,
            private_place=private_place,
            public_wifi=False,
            phone_at_hand=True,
            headset=True,
        )
    )
    check.touch()


def add_invitation(first_name="Amélie", language="fr", hours_from_now=48, **fields):
    """An invitation for an appointment; returns (invitation, token)."""
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours_from_now)
    return create_invitation(
        appointment_ref=fields.pop("appointment_ref", f"APPT-{when.timestamp():.0f}"),
        appointment_at=when,
        language=language,
        valid_hours_after=12,
        first_name=first_name,
        **fields,
    )

"""No camera is not no microphone; an admin moves between the staff workspaces."""

import pytest

from readiness.checks import reasons
from readiness.extensions import db
from readiness.models import Check, ConnectionResult, DeviceResult, SettingAnswers


def skipped_camera_check(app, client, language: str) -> str:
    client.post(f"/{language}/check/new")
    with app.app_context():
        check = db.session.scalars(db.select(Check).order_by(Check.id.desc())).first()
        db.session.add(
            ConnectionResult(
                check=check,
                download_mbps=48.2,
                upload_mbps=11.5,
                latency_ms=18.0,
                jitter_ms=2.1,
                verdict="ready",
                reasons=[],
            )
        )
        db.session.add(
            DeviceResult(
                check=check, kind="camera", status="skipped", reason=reasons.DEVICE_NOT_FOUND
            )
        )
        for kind in ("microphone", "speakers", "browser"):
            db.session.add(DeviceResult(check=check, kind=kind, status="pass"))
        db.session.add(
            SettingAnswers(check=check, private_place=True, public_wifi=False, phone_at_hand=True)
        )
        check.touch()
        db.session.commit()
        return check.public_id


@pytest.mark.parametrize(
    "language, no_camera, no_camera_or_microphone",
    [
        ("en", "No camera on this device.", "No camera or microphone"),
        ("fr", "Aucune caméra sur cet appareil.", "Aucune caméra ni aucun micro"),
    ],
)
def test_a_skipped_camera_says_no_camera_and_nothing_about_the_microphone(
    app, desk_client, language, no_camera, no_camera_or_microphone
):
    patient = app.test_client()
    public_id = skipped_camera_check(app, patient, language)
    summary = patient.get(f"/{language}/check/summary").text
    assert no_camera in summary
    assert no_camera_or_microphone not in summary
    desk_client.get(f"/auth/language/{language}?next=/desk/")
    desk = desk_client.get(f"/desk/checks/{public_id}").text
    assert no_camera in desk
    assert no_camera_or_microphone not in desk


def test_an_admin_has_links_to_the_desk_the_clinic_and_the_admin_pages(admin_client):
    for path in ("/desk/", "/clinic/", "/admin/handoff"):
        page = admin_client.get(path).text
        for target in ('href="/desk/"', 'href="/clinic/"', 'href="/admin/handoff"'):
            assert target in page, (path, target)
        assert 'aria-current="page"' in page


def test_a_desk_agent_sees_no_links_to_workspaces_it_cannot_open(desk_client):
    page = desk_client.get("/desk/").text
    assert 'href="/clinic/"' not in page and 'href="/admin/handoff"' not in page

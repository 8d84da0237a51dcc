"""The device and setting steps through Flask's test client: storage, validation, pages."""

import pytest

from readiness.extensions import db
from readiness.models import Check, DeviceResult, SettingAnswers

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
FACEBOOK_ON_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-S908W; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/445.0.0.34.118;]"
)
EVERY_FEATURE = {
    "media_devices": True,
    "peer_connection": True,
    "secure_context": True,
    "audio_context": True,
    "sink_choice": True,
}


@pytest.fixture
def patient(client):
    """A test client whose session holds a new check."""
    client.post("/en/check/new")
    return client


def the_check(app) -> Check:
    return db.session.scalar(db.select(Check))


def device_rows(app) -> list[DeviceResult]:
    with app.app_context():
        return [
            (row.kind, row.status, row.reason, row.details)
            for row in db.session.scalars(db.select(DeviceResult).order_by(DeviceResult.id))
        ]


def test_device_pages_send_a_browser_without_a_check_to_the_start(client):
    assert client.get("/en/check/devices").location == "/en/"
    assert client.get("/fr/check/setting").location == "/fr/"
    response = client.post("/en/check/devices/result", json={"kind": "camera", "status": "pass"})
    assert response.status_code == 403


def test_camera_result_is_stored_with_its_figures(app, patient):
    response = patient.post(
        "/en/check/devices/result",
        json={"kind": "camera", "status": "pass", "details": {"width": 1280, "height": 720}},
    )
    assert response.status_code == 200
    assert response.json == {"kind": "camera", "status": "pass", "reason": None}
    assert device_rows(app) == [("camera", "pass", None, {"width": 1280, "height": 720})]


def test_every_attempt_is_kept_and_the_latest_counts(app, patient):
    for status, reason in (("fail", "permission_denied"), ("pass", None)):
        patient.post(
            "/en/check/devices/result",
            json={"kind": "microphone", "status": status, "reason": reason},
        )
    assert [row[1] for row in device_rows(app)] == ["fail", "pass"]
    with app.app_context():
        from readiness.checks.state import latest_devices

        assert latest_devices(the_check(app))["microphone"].status == "pass"


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"kind": "camera", "status": "fail"}, "needs a reason"),
        ({"kind": "camera", "status": "fail", "reason": "not_heard"}, "needs a reason"),
        ({"kind": "toaster", "status": "pass"}, "kind must be"),
        ({"kind": "speakers", "status": "skipped"}, "cannot be skipped"),
        ({"kind": "browser", "features": {}}, "feature media_devices"),
        (None, "not JSON"),
    ],
)
def test_bad_result_is_refused_with_a_clear_message_and_nothing_is_stored(
    app, patient, payload, message
):
    if payload is None:
        response = patient.post("/en/check/devices/result", data="not json")
    else:
        response = patient.post("/en/check/devices/result", json=payload)
    assert response.status_code == 400
    code = "invalid_json" if payload is None else "invalid_result"
    assert response.json["error"]["code"] == code
    assert message in response.json["error"].get("detail", response.json["error"]["message"])
    assert device_rows(app) == []


def test_skipped_camera_is_stored_as_skipped_not_as_a_pass(app, patient):
    response = patient.post(
        "/en/check/devices/result", json={"kind": "camera", "status": "skipped"}
    )
    assert response.json == {"kind": "camera", "status": "skipped", "reason": "device_not_found"}
    assert device_rows(app)[0][:3] == ("camera", "skipped", "device_not_found")


def test_browser_is_judged_on_the_server_and_summarised_on_the_check(app, patient):
    response = patient.post(
        "/en/check/devices/result",
        json={"kind": "browser", "features": EVERY_FEATURE, "touch_points": 0},
        headers={"User-Agent": FACEBOOK_ON_ANDROID},
    )
    assert response.json == {"kind": "browser", "status": "fail", "reason": "in_app_browser"}
    with app.app_context():
        summary = the_check(app).device_summary
    assert summary["in_app"] == "Facebook"
    assert (summary["system"], summary["device_type"], summary["recommended"]) == (
        "android",
        "phone",
        "chrome",
    )
    assert device_rows(app)[0][:3] == ("browser", "fail", "in_app_browser")


def test_support_matrix_comes_from_configuration(make_app):
    app = make_app(SUPPORT_MATRIX={"browsers": {"chrome": 200}})
    client = app.test_client()
    client.post("/en/check/new")
    response = client.post(
        "/en/check/devices/result",
        json={"kind": "browser", "features": EVERY_FEATURE},
        headers={"User-Agent": CHROME_ON_WINDOWS},
    )
    assert response.json["reason"] == "unsupported_browser"


def test_device_page_carries_the_steps_for_the_patients_own_browser(patient):
    page = patient.get("/en/check/devices", headers={"User-Agent": SAFARI_ON_IPHONE})
    html = page.get_data(as_text=True)
    assert "Allow the camera and microphone in Safari on an iPhone or iPad" in html
    assert "Chrome on Android" not in html
    assert "Turn off silent mode" in html
    assert "nothing your camera or microphone captures is sent, not even to us" in html
    windows = patient.get("/fr/check/devices", headers={"User-Agent": CHROME_ON_WINDOWS})
    html = windows.get_data(as_text=True)
    assert "Autoriser la caméra et le micro dans Chrome" in html
    assert "Vérifier les paramètres de confidentialité de Windows" in html


def test_device_page_shows_the_latest_stored_status(patient):
    patient.post(
        "/en/check/devices/result",
        json={"kind": "speakers", "status": "fail", "reason": "not_heard"},
    )
    html = patient.get("/en/check/devices").get_data(as_text=True)
    assert 'data-testid="device-speakers" data-kind="speakers" data-status="fail"' in html
    assert 'data-reason="not_heard"' in html


ALL_GOOD = {"private_place": "yes", "public_wifi": "no", "phone_at_hand": "yes", "headset": "yes"}


def test_setting_with_a_missing_answer_shows_the_error_summary_and_keeps_the_answers(app, patient):
    response = patient.post("/fr/check/setting", data={"private_place": "no", "headset": "yes"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert 'href="#public_wifi"' in html and 'href="#phone_at_hand"' in html
    assert '<input checked class="radio-input" id="private_place-1"' in html
    with app.app_context():
        assert db.session.scalar(db.select(SettingAnswers)) is None


def test_good_setting_is_stored_and_goes_straight_to_the_summary(app, patient):
    response = patient.post("/en/check/setting", data=ALL_GOOD)
    assert response.location == "/en/check/summary"
    with app.app_context():
        answers = db.session.scalar(db.select(SettingAnswers))
        assert (
            answers.private_place,
            answers.public_wifi,
            answers.phone_at_hand,
            answers.headset,
        ) == (True, False, True, True)


def test_setting_that_needs_advice_shows_it_for_each_worrying_answer(app, patient):
    answers = dict(ALL_GOOD, public_wifi="yes", headset="no")
    response = patient.post("/en/check/setting", data=answers)
    assert response.location == "/en/check/setting#advice"
    html = patient.get("/en/check/setting").get_data(as_text=True)
    assert "Public and shared Wi-Fi" in html
    assert "Without a headset" in html
    assert "Find a room where you can close the door" not in html
    assert 'href="/en/check/summary"' in html
    with app.app_context():
        from readiness.checks.state import overall_for

        assert "public_wifi" in overall_for(the_check(app)).reasons


def test_support_matrix_can_be_set_as_json_in_the_environment(monkeypatch):
    from readiness import create_app

    monkeypatch.setenv("READINESS_SUPPORT_MATRIX", '{"browsers": {"firefox": 128}}')
    app = create_app({"SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    assert app.config["SUPPORT_MATRIX"] == {"browsers": {"firefox": 128}}


IOS_WEB_VIEW = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148"
)
ANDROID_WEB_VIEW = (
    "Mozilla/5.0 (Linux; Android 12; SM-A525F; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/118.0.5993.111 Mobile Safari/537.36"
)


@pytest.mark.parametrize("agent", [IOS_WEB_VIEW, ANDROID_WEB_VIEW])
def test_an_app_we_cannot_name_is_not_named_in_french(client, agent):
    """« iOS app » or « Android WebView » never lands inside a French sentence."""
    client.post("/fr/check/new")
    page = client.get("/fr/check/devices", headers={"User-Agent": agent}).text
    assert "iOS app" not in page and "Android WebView" not in page
    assert "(ouvert dans une autre application)" in page
    assert (
        "Vous avez ouvert le lien dans une autre application plutôt que dans un navigateur, "
        "ce qui bloque souvent la caméra." in page
    )


def test_an_app_we_can_name_is_named(client):
    client.post("/fr/check/new")
    page = client.get("/fr/check/devices", headers={"User-Agent": FACEBOOK_ON_ANDROID}).text
    assert "(dans l’application Facebook)" in page
    assert "Vous avez ouvert le lien dans l’application Facebook" in page

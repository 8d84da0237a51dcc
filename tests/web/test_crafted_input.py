"""Crafted input gets a 4xx that says what is wrong, in the visitor's language, and stores nothing.

Each case is one row of issue 14's table: inputs that once gave a 500.
"""

import base64
import json

import pytest

from readiness.extensions import db
from readiness.models import ConnectionResult, DeviceResult, Invitation
from tests.web.api_support import ApiClient, create_key
from tests.web.test_clinic import clinician, invite_form  # noqa: F401  (fixture)
from tests.web.test_connection_step import GOOD
from tests.web.test_desk import make_check  # noqa: F401  (fixture)

DEEP = "[" * 5000 + "]" * 5000
HUGE_VERSION = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/" + "9" * 4400 + ".0.0.0 Safari/537.36"
)
EVERY_FEATURE = {
    "media_devices": True,
    "peer_connection": True,
    "secure_context": True,
    "audio_context": True,
    "sink_choice": True,
}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def patient(client):
    client.post("/en/check/new")
    return client


@pytest.fixture
def api(app, client):
    return ApiClient(client, create_key(app))


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# JSON nested 5,000 deep


@pytest.mark.parametrize("path", ["/en/check/connection/result", "/en/check/devices/result"])
def test_deeply_nested_json_is_refused_on_patient_endpoints_in_french_too(app, patient, path):
    response = patient.post(
        path.replace("/en/", "/fr/"), data=DEEP, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"
    assert "JSON" in response.json["error"]["message"]
    assert "n’est pas" in response.json["error"]["message"]
    assert count(app, ConnectionResult) == count(app, DeviceResult) == 0


def test_deeply_nested_json_is_refused_by_the_api(app, api):
    response = api.post("/invitations", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"
    assert count(app, Invitation) == 0


def test_json_nested_a_little_deeper_than_any_real_report_is_refused(app, patient):
    nested = {"latency_ms": [1, 2]}
    for _ in range(40):
        nested = {"inner": nested}
    response = patient.post("/en/check/connection/result", json={**GOOD, "samples": nested})
    assert response.status_code == 400
    assert count(app, ConnectionResult) == 0


# Numbers that are not finite


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_connection_samples_that_are_not_finite_are_refused(app, patient, literal):
    body = json.dumps({**GOOD, "samples": {"latency_ms": [31, 0]}}).replace("0]", literal + "]")
    response = patient.post(
        "/en/check/connection/result", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"
    assert count(app, ConnectionResult) == 0


def test_device_details_that_are_not_finite_are_refused(app, patient):
    body = '{"kind": "camera", "status": "pass", "details": {"width": NaN, "height": 720}}'
    response = patient.post("/en/check/devices/result", data=body, content_type="application/json")
    assert response.status_code == 400
    assert count(app, DeviceResult) == 0


# A User-Agent with a 4,400-digit version


def test_a_huge_browser_version_is_only_an_unknown_browser(app, patient):
    page = patient.get("/en/check/devices", headers={"User-Agent": HUGE_VERSION})
    assert page.status_code == 200
    response = patient.post(
        "/en/check/devices/result",
        json={"kind": "browser", "features": EVERY_FEATURE, "touch_points": 0},
        headers={"User-Agent": HUGE_VERSION},
    )
    assert response.status_code == 200


# Query parameters of GET /api/v1/checks


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "²"},
        {"limit": "١٢"},
        {"cursor": cursor("2026-11-20T10:00:00+00:00|" + "1" + "0" * 23)},
        {"cursor": cursor("9999-12-31T23:59:59-05:00|1")},
        {"cursor": cursor("0001-01-01T00:00:00+05:00|1")},
        {"updated_since": "9999-12-31T23:59:59-05:00"},
        {"updated_since": "0001-01-01T00:00:00+05:00"},
    ],
)
def test_bad_list_parameters_are_a_400_naming_the_parameter(api, query):
    response = api.get("/checks", query_string=query)
    assert response.status_code == 400, response.text
    assert response.json["error"]["code"] == "invalid_parameter"
    assert response.json["error"]["field"] == next(iter(query))


# An appointment at 9999-12-31


def test_an_api_appointment_in_year_9999_is_refused(app, api):
    body = {"appointment_ref": "SCH-1", "appointment_at": "9999-12-31T23:00:00-05:00"}
    response = api.post("/invitations", json={**body, "language": "en"})
    assert response.status_code == 422
    assert response.json["error"]["field"] == "appointment_at"
    assert count(app, Invitation) == 0


def test_a_clinic_invitation_in_year_9999_is_a_form_error_in_french(app, clinician):  # noqa: F811
    client, staff = clinician
    client.get("/auth/language/fr")
    data = invite_form(clinician_id=staff.id, appointment_date="9999-12-31")
    response = client.post("/clinic/invite", data=data)
    assert response.status_code == 400
    assert "date" in response.text and "ans" in response.text
    assert count(app, Invitation) == 0


# NUL and other control characters


def test_a_nul_in_the_connection_type_is_refused(app, patient):
    response = patient.post(
        "/en/check/connection/result", json={**GOOD, "connection_type": "wi\x00fi"}
    )
    assert response.status_code == 400
    assert count(app, ConnectionResult) == 0


def test_a_nul_in_a_desk_note_is_a_form_error(app, desk_client, make_check):  # noqa: F811
    public_id = make_check()
    response = desk_client.post(f"/desk/checks/{public_id}/notes", data={"text": "a\x00b"})
    assert response.status_code == 400
    assert "control character" in response.text


def test_a_nul_in_the_desk_search_is_a_form_error(desk_client):
    response = desk_client.get("/desk/", query_string={"q": "K7P\x004QX"})
    assert response.status_code == 400
    assert "control character" in response.text


def test_a_nul_in_a_clinic_first_name_is_a_form_error(app, clinician):  # noqa: F811
    client, staff = clinician
    response = client.post(
        "/clinic/invite", data=invite_form(clinician_id=staff.id, first_name="Am\x00élie")
    )
    assert response.status_code == 400
    assert "control character" in response.text
    assert count(app, Invitation) == 0


def test_a_nul_in_the_code_a_patient_types_is_a_form_error_in_french(client):
    response = client.post("/fr/code", data={"code": "K7P\x004QX"})
    assert response.status_code == 400
    assert "caractères de contrôle" in response.text

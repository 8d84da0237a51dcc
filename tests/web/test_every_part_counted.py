"""A check is "ready" only with every part of the same attempt, and says so everywhere.

Each combination of device results is posted through the patient's real endpoints, the desk then
records verbal consent and contact details (the way a check ends without the patient's own
consent page), and the verdict is read where people and systems read it: the patient's summary,
the desk's page, the clinician's list and visit page, the API, the webhook's JSON and its FHIR
Bundle.
"""

import itertools
import re

import pytest

from readiness.checks.consent import consent_text
from readiness.extensions import db
from readiness.handoff.fhir import bundle_for_message
from readiness.models import Check, OutboxMessage
from tests.conftest import STAFF_PASSWORD
from tests.support.records import add_invitation
from tests.web.api_support import ApiClient, create_key

KINDS = ("camera", "microphone", "speakers", "browser")
CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
EVERY_FEATURE = {
    "media_devices": True,
    "peer_connection": True,
    "secure_context": True,
    "audio_context": True,
    "sink_choice": True,
}
GOOD_CONNECTION = {"download_mbps": 48.2, "upload_mbps": 11.5, "latency_ms": 18.0, "jitter_ms": 2.1}
CONTACT = {
    "email": "marie.tremblay@example.org",
    "mobile": "514 555-0123",
    "backup": "(613) 555-0142",
    "preferred_language": "fr",
    "preferred_contact": "sms",
}
PARTIAL = [
    combination for size in range(len(KINDS)) for combination in itertools.combinations(KINDS, size)
]


@pytest.fixture
def people(app, make_staff):
    """A desk agent, a clinician (whose visits the list shows) and an API key."""
    desk = make_staff("desk", email="desk.agent@example.org")
    clinician = make_staff("clinician", email="claire.roy@example.org")
    clients = {}
    for name, staff in (("desk", desk), ("clinic", clinician)):
        clients[name] = app.test_client()
        response = clients[name].post(
            "/auth/login", data={"email": staff.email, "password": STAFF_PASSWORD}
        )
        assert response.status_code == 302
    clients["api"] = ApiClient(app.test_client(), create_key(app))
    clients["clinician_id"] = clinician.id
    return clients


def post_device(patient, kind: str, status: str = "pass", reason: str | None = None) -> None:
    if kind == "browser":
        body = {"kind": "browser", "features": EVERY_FEATURE, "touch_points": 0}
        if status != "pass":
            body["features"] = dict(EVERY_FEATURE, media_devices=False)
    else:
        body = {"kind": kind, "status": status, "reason": reason}
    response = patient.post(
        "/en/check/devices/result", json=body, headers={"User-Agent": CHROME_ON_WINDOWS}
    )
    assert response.status_code == 200, response.text
    assert response.json["status"] == status


def run_check(app, people, devices: dict, ref: str, connection=GOOD_CONNECTION) -> tuple:
    """An invited patient tests the connection, these devices and the setting; the desk records
    consent and contact. Returns (patient's client, check id, invitation id)."""
    with app.app_context():
        invitation, token = add_invitation(
            language="en",
            clinician_id=people["clinician_id"],
            hours_from_now=24,
            appointment_ref=ref,
        )
        db.session.commit()
        invitation_id = invitation.public_id
    patient = app.test_client()
    patient.post(f"/en/i/{token}")
    response = patient.post("/en/check/connection/result", json=connection)
    assert response.status_code == 200
    for kind, (status, reason) in devices.items():
        post_device(patient, kind, status, reason)
    setting = {"private_place": "yes", "public_wifi": "no", "phone_at_hand": "yes"}
    patient.post("/en/check/setting", data={**setting, "headset": "yes"})
    with app.app_context():
        public_id = db.session.scalars(db.select(Check).order_by(Check.id.desc())).first().public_id
    desk = people["desk"]
    desk.post(
        f"/desk/checks/{public_id}/consent",
        data={
            "decision": "agreed",
            "read_aloud": "y",
            "text_sha256": consent_text({}, "en").sha256,
            "text_language": "en",
        },
    )
    assert desk.post(f"/desk/checks/{public_id}/contact", data=CONTACT).status_code == 302
    return patient, public_id, invitation_id


def attribute(html: str, testid: str, name: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*?{name}="([^"]*)"', html) or re.search(
        rf'{name}="([^"]*)"[^>]*?data-testid="{testid}"', html
    )
    assert match, f"no {testid} with {name}"
    return match.group(1)


def clinic_row(html: str, ref: str) -> str:
    match = re.search(rf'data-testid="visit-row" data-ref="{ref}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {ref}"
    return match.group(1)


def verdicts_everywhere(app, people, patient, public_id: str, invitation_id: str, ref) -> dict:
    """The verdict as each place shows it."""
    summary = patient.get("/en/check/summary").text
    desk_page = people["desk"].get(f"/desk/checks/{public_id}").text
    clinic_list = people["clinic"].get("/clinic/").text
    clinic_page = people["clinic"].get(f"/clinic/visits/{invitation_id}").text
    api = people["api"].get(f"/checks/{public_id}").json
    with app.app_context():
        check_id = db.session.scalar(db.select(Check.id).where(Check.public_id == public_id))
        payloads = [
            row.payload
            for row in db.session.scalars(
                db.select(OutboxMessage)
                .where(OutboxMessage.check_id == check_id)
                .order_by(OutboxMessage.id)
            )
        ]
    fhir_verdicts = []
    for payload in payloads:
        bundle = bundle_for_message(payload)
        for entry in bundle["entry"]:
            resource = entry["resource"]
            if resource.get("code", {}).get("coding", [{}])[0].get("code") == "readiness-verdict":
                fhir_verdicts.append(resource["valueCodeableConcept"]["coding"][0]["code"])
    return {
        "summary": attribute(summary, "overall-verdict", "data-verdict"),
        "desk": attribute(desk_page, "desk-verdict", "data-verdict"),
        "clinic_list": attribute(clinic_row(clinic_list, ref), "visit-status", "data-status"),
        "clinic_page": attribute(clinic_page, "patient-status", "data-status"),
        "api": api["verdict"],
        "api_missing_devices": api["missing_devices"],
        "webhook": [payload["check"]["verdict"] for payload in payloads],
        "fhir": fhir_verdicts,
        "summary_html": summary,
        "desk_html": desk_page,
        "clinic_html": clinic_page,
    }


def test_a_check_missing_any_device_is_ready_nowhere(app, people):
    for number, tested in enumerate(PARTIAL):
        ref = f"APPT-PARTIAL-{number}"
        devices = {kind: ("pass", None) for kind in tested}
        patient, public_id, invitation_id = run_check(app, people, devices, ref)
        seen = verdicts_everywhere(app, people, patient, public_id, invitation_id, ref)
        untested = [kind for kind in KINDS if kind not in tested]
        assert seen["summary"] == seen["desk"] == "", tested  # "Not known yet"
        assert seen["clinic_list"] == seen["clinic_page"] == "not_tested", tested
        assert seen["api"] is None, tested
        assert seen["api_missing_devices"] == untested
        assert "ready" not in seen["webhook"] and None in seen["webhook"], tested
        assert seen["fhir"] == [], tested
        for kind in untested:
            assert kind in attribute_text(seen["summary_html"], "missing-devices")
            assert kind in attribute_text(seen["desk_html"], "desk-missing-devices")
            assert kind in attribute_text(seen["clinic_html"], "attempt-missing-devices")
        with app.app_context():
            check = db.session.scalar(db.select(Check).where(Check.public_id == public_id))
            assert (check.completed_at, check.verdict) == (None, None), tested


def attribute_text(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', html)
    assert match, f"no {testid}"
    return match.group(1)


OUTCOMES = [
    ({}, "ready", None),
    ({"camera": ("skipped", "device_not_found")}, "not_ready", "no_camera"),
    ({"camera": ("fail", "permission_denied")}, "not_ready", "permission_denied"),
    ({"microphone": ("fail", "no_sound")}, "not_ready", "no_sound"),
    ({"speakers": ("fail", "not_heard")}, "limited", "not_heard"),
    ({"browser": ("fail", "unsupported_browser")}, "not_ready", "unsupported_browser"),
]


def test_every_device_tested_gives_the_verdict_it_deserves_everywhere(app, people):
    for number, (devices, verdict, reason) in enumerate(OUTCOMES):
        ref = f"APPT-OUTCOME-{number}"
        results = {kind: devices.get(kind, ("pass", None)) for kind in KINDS}
        patient, public_id, invitation_id = run_check(app, people, results, ref)
        seen = verdicts_everywhere(app, people, patient, public_id, invitation_id, ref)
        assert seen["summary"] == seen["desk"] == verdict, devices
        assert seen["clinic_list"] == seen["clinic_page"] == verdict, devices
        assert seen["api"] == verdict and seen["api_missing_devices"] == []
        assert seen["webhook"][-1] == verdict
        assert seen["fhir"][-1] == verdict
        if reason:
            assert f'data-reason="{reason}"' in seen["desk_html"]  # a script to read
            assert 'data-testid="overall-advice"' in seen["summary_html"]


def test_the_connection_result_names_its_scope_and_never_the_overall_verdict(app, people):
    for lang, scoped, overall in (
        ("en", "Your connection is good enough for a video visit", "Ready for a video visit"),
        (
            "fr",
            "Votre connexion est assez bonne pour une consultation vidéo",
            "Tout est prêt pour une consultation vidéo",
        ),
    ):
        patient = app.test_client()
        patient.post(f"/{lang}/check/new")
        html = patient.post(f"/{lang}/check/connection/result", json=GOOD_CONNECTION).json["html"]
        assert scoped in html and overall not in html
        assert overall not in patient.get(f"/{lang}/check/connection").text
    with app.app_context():
        public_id = db.session.scalars(db.select(Check).order_by(Check.id.desc())).first().public_id
    desk_page = people["desk"].get(f"/desk/checks/{public_id}").text
    connection = desk_page[desk_page.index('data-testid="desk-connection"') :]
    connection = connection[: connection.index("</div>")]
    assert "connection is good enough for a video visit" in connection
    assert "Ready for a video visit" not in desk_page  # the overall is not known yet


def test_a_part_that_rules_video_out_says_not_ready_everywhere_before_the_rest(app, people):
    devices = {"camera": ("skipped", "device_not_found"), "browser": ("pass", None)}
    patient, public_id, invitation_id = run_check(app, people, devices, "APPT-NO-CAMERA")
    seen = verdicts_everywhere(app, people, patient, public_id, invitation_id, "APPT-NO-CAMERA")
    assert seen["summary"] == seen["desk"] == "not_ready"
    assert seen["clinic_list"] == seen["clinic_page"] == "not_ready"
    assert seen["api"] == "not_ready"
    assert seen["api_missing_devices"] == ["microphone", "speakers"]
    assert seen["webhook"][-1] == "not_ready" and seen["fhir"][-1] == "not_ready"

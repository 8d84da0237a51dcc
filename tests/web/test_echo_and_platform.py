"""Hearing oneself back (echo_not_heard) and the video platform's own addresses (platform_blocked).

Both answers are checked on the server; each reason reaches the patient's summary with its
advice, the desk with its script, the clinician with its label, the API, the webhook's JSON and
its FHIR Bundle, as "video with limits".
"""

import json
from html import unescape

import pytest

from readiness.checks.consent import consent_text
from readiness.connection.platform import PlatformProbeError, parse_probes, probe_origins
from readiness.extensions import db
from readiness.handoff.fhir import bundle_for_message
from readiness.models import Check, ConnectionResult, DeviceResult, OutboxMessage
from readiness.security import content_security_policy
from tests.support.records import add_invitation
from tests.web.test_every_part_counted import (  # noqa: F401
    CONTACT,
    GOOD_CONNECTION,
    KINDS,
    people,
    post_device,
    verdicts_everywhere,
)

ECHO = "/en/check/devices/echo/result"
PROBES = "https://zoom.health.example.org/pixel.png, https://cdn.zoom.example.net/a.gif"


@pytest.fixture
def app(make_app):
    return make_app(PLATFORM_PROBES=PROBES)


def start_patient(app, people, ref: str):  # noqa: F811
    with app.app_context():
        invitation, token = add_invitation(
            language="en", clinician_id=people["clinician_id"], hours_from_now=24,
            appointment_ref=ref,
        )  # fmt: skip
        db.session.commit()
        invitation_id = invitation.public_id
    patient = app.test_client()
    patient.post(f"/en/i/{token}")
    return patient, invitation_id


def finish(app, people, patient) -> str:  # noqa: F811
    """The setting, then the desk records consent and contact: the check is complete."""
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
    return public_id


def last_payload(app, public_id: str) -> dict:
    with app.app_context():
        check_id = db.session.scalar(db.select(Check.id).where(Check.public_id == public_id))
        return (
            db.session.scalars(
                db.select(OutboxMessage)
                .where(OutboxMessage.check_id == check_id)
                .order_by(OutboxMessage.id.desc())
            )
            .first()
            .payload
        )


# Hear yourself.


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"answer": "loud"},
        {"answer": True},
        {"answer": ["clearly"]},
        {"answer": "CLEARLY"},
        ["clearly"],
        "clearly",
    ],
)
def test_the_server_refuses_an_echo_answer_it_does_not_know(app, people, body):  # noqa: F811
    patient, _ = start_patient(app, people, "APPT-ECHO-BAD")
    response = patient.post(ECHO, json=body)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_result"
    with app.app_context():
        assert db.session.scalars(db.select(DeviceResult)).all() == []


def test_echo_not_heard_comes_only_from_the_patients_answer(app, people):  # noqa: F811
    patient, _ = start_patient(app, people, "APPT-ECHO-DIRECT")
    body = {"kind": "microphone", "status": "fail", "reason": "echo_not_heard"}
    response = patient.post("/en/check/devices/result", json=body)
    assert response.status_code == 400
    assert "devices/echo" in response.json["error"]["detail"]


def test_an_echo_answer_needs_a_check_of_ones_own(app):
    response = app.test_client().post(ECHO, json={"answer": "badly"})
    assert response.status_code in (400, 401, 403)
    with app.app_context():
        assert db.session.scalars(db.select(DeviceResult)).all() == []


@pytest.mark.parametrize(
    "answer, status, reason",
    [
        ("clearly", "pass", None),
        ("badly", "fail", "echo_not_heard"),
        ("not_at_all", "fail", "echo_not_heard"),
    ],
)
def test_each_echo_answer_becomes_the_microphones_result(app, people, answer, status, reason):  # noqa: F811
    patient, _ = start_patient(app, people, f"APPT-ECHO-{answer}")
    post_device(patient, "microphone", "pass")
    response = patient.post(ECHO, json={"answer": answer})
    assert response.status_code == 200
    assert response.json == {"kind": "microphone", "status": status, "reason": reason}
    with app.app_context():
        row = db.session.scalars(db.select(DeviceResult).order_by(DeviceResult.id.desc())).first()
        assert (row.kind, row.status, row.reason) == ("microphone", status, reason)
        assert row.details["echo"] == answer
    page = patient.get("/en/check/devices").text
    assert 'data-testid="device-microphone"' in page
    if reason:
        assert f'data-reason="{reason}"' in page


def test_a_voice_heard_badly_reaches_everyone_as_video_with_limits(app, people):  # noqa: F811
    patient, invitation_id = start_patient(app, people, "APPT-ECHO")
    assert patient.post("/en/check/connection/result", json=GOOD_CONNECTION).status_code == 200
    for kind in KINDS:
        post_device(patient, kind, "pass")
    answer = patient.post(ECHO, json={"answer": "not_at_all"})
    assert answer.status_code == 200
    public_id = finish(app, people, patient)
    seen = verdicts_everywhere(app, people, patient, public_id, invitation_id, "APPT-ECHO")
    assert seen["summary"] == seen["desk"] == seen["api"] == "limited"
    assert seen["webhook"][-1] == "limited" and seen["fhir"][-1] == "limited"
    label = "The microphone’s test recording, played back, was heard badly or not at all."
    label = label.replace("’", "'")
    assert label in unescape(seen["summary_html"])
    assert "use a headset or earphones with a microphone" in unescape(seen["summary_html"])
    assert 'data-reason="echo_not_heard"' in seen["desk_html"]
    assert "Own voice heard badly in the recording" in unescape(seen["desk_html"])
    assert label in unescape(seen["clinic_html"])
    assert "echo_not_heard" in people["api"].get(f"/checks/{public_id}").json["reasons"]
    payload = last_payload(app, public_id)
    assert "echo_not_heard" in payload["check"]["reasons"]
    microphone = next(d for d in payload["check"]["devices"] if d["kind"] == "microphone")
    assert (microphone["status"], microphone["reason"]) == ("fail", "echo_not_heard")
    assert "echo_not_heard" in json.dumps(bundle_for_message(payload))


def test_a_voice_heard_clearly_keeps_the_check_ready(app, people):  # noqa: F811
    patient, invitation_id = start_patient(app, people, "APPT-ECHO-OK")
    assert patient.post("/en/check/connection/result", json=GOOD_CONNECTION).status_code == 200
    for kind in KINDS:
        post_device(patient, kind, "pass")
    assert patient.post(ECHO, json={"answer": "clearly"}).status_code == 200
    public_id = finish(app, people, patient)
    seen = verdicts_everywhere(app, people, patient, public_id, invitation_id, "APPT-ECHO-OK")
    assert seen["summary"] == seen["api"] == "ready"


# The video platform's own addresses.


def test_the_probes_reach_the_page_and_exactly_their_origins_are_allowed(app, people):  # noqa: F811
    patient, _ = start_patient(app, people, "APPT-PLATFORM-CSP")
    page = patient.get("/en/check/connection")
    settings = page.text.split('id="connection-settings">', 1)[1].split("</script>", 1)[0]
    assert json.loads(settings)["platformProbes"] == [
        "https://zoom.health.example.org/pixel.png",
        "https://cdn.zoom.example.net/a.gif",
    ]
    policy = page.headers["Content-Security-Policy"]
    connect = next(part for part in policy.split("; ") if part.startswith("connect-src"))
    assert connect.split() == [
        "connect-src",
        "'self'",
        "https://zoom.health.example.org",
        "https://cdn.zoom.example.net",
    ]


def test_without_probes_the_policy_and_the_result_say_nothing_of_the_platform(make_app):
    app = make_app()
    client = app.test_client()
    policy = client.get("/en/").headers["Content-Security-Policy"]
    assert "zoom" not in policy and "connect-src 'self';" in policy
    assert content_security_policy("n") == content_security_policy("n", "", ())


@pytest.mark.parametrize(
    "value, problem",
    [
        ("ftp://zoom.example.org/a.png", "not an https"),
        ("zoom.example.org/a.png", "not an https"),
        ("https://user:pw@zoom.example.org/a.png", "user name"),
        ("https://zoom.example.org/a.png#x", "fragment"),
        ('["https://zoom.example.org/a.png\'; script-src *"]', "semicolons"),
    ],
)
def test_a_probe_address_the_operator_must_fix_is_refused(value, problem):
    with pytest.raises(PlatformProbeError, match=problem):
        parse_probes(value)


def test_probe_addresses_come_as_a_list_json_or_words():
    urls = ("https://a.example.org/x.png", "https://b.example.org:8443/y.gif")
    assert parse_probes(list(urls)) == urls
    assert parse_probes(json.dumps(list(urls))) == urls
    assert parse_probes(" ".join(urls)) == parse_probes(",".join(urls)) == urls
    assert parse_probes("") == parse_probes(None) == ()
    assert probe_origins(urls) == ["https://a.example.org", "https://b.example.org:8443"]


def test_a_bad_probe_setting_stops_the_start(make_app):
    with pytest.raises(RuntimeError, match="READINESS_PLATFORM_PROBES"):
        make_app(PLATFORM_PROBES="javascript:alert(1)")


def test_production_wants_https_probes(make_app):
    from readiness.config import production_problems

    assert any(
        "PLATFORM_PROBES" in problem
        for problem in production_problems({"PLATFORM_PROBES": ("http://zoom.example.org/a",)})
    )


@pytest.mark.parametrize("value", ["true", 1, 0, "false", [], {}])
def test_the_server_refuses_a_platform_answer_that_is_not_true_or_false(app, people, value):  # noqa: F811
    patient, _ = start_patient(app, people, "APPT-PLATFORM-BAD")
    report = {**GOOD_CONNECTION, "platform_reachable": value}
    response = patient.post("/en/check/connection/result", json=report)
    assert response.status_code == 400
    assert response.json["error"]["field"] == "platform_reachable"
    with app.app_context():
        assert db.session.scalars(db.select(ConnectionResult)).all() == []


@pytest.mark.parametrize(
    "reachable, verdict, reasons, attribute",
    [
        (True, "ready", [], 'data-platform-reachable="true"'),
        (False, "limited", ["platform_blocked"], 'data-platform-reachable="false"'),
    ],
)
def test_the_platform_answer_is_stored_and_judged(
    app,
    people,  # noqa: F811
    reachable,
    verdict,
    reasons,
    attribute,
):
    patient, _ = start_patient(app, people, f"APPT-PLATFORM-{reachable}")
    report = {**GOOD_CONNECTION, "platform_reachable": reachable}
    response = patient.post("/en/check/connection/result", json=report)
    assert response.status_code == 200
    assert (response.json["verdict"], response.json["reasons"]) == (verdict, reasons)
    assert attribute in response.json["html"]
    with app.app_context():
        stored = db.session.scalars(db.select(ConnectionResult)).one()
        assert stored.platform_reachable is reachable
    if not reachable:
        html = unescape(response.json["html"]).replace("’", "'")
        assert "This network seems to block the video service" in html
        assert "try mobile data, or ask the network's owner" in html


def test_no_answer_from_the_browser_stores_none_and_no_attribute(app, people):  # noqa: F811
    patient, _ = start_patient(app, people, "APPT-PLATFORM-NONE")
    response = patient.post("/en/check/connection/result", json=GOOD_CONNECTION)
    assert response.status_code == 200 and response.json["reasons"] == []
    assert "data-platform-reachable" not in response.json["html"]


def test_an_answer_without_probes_set_is_not_kept(make_app, make_staff):
    app = make_app()
    with app.app_context():
        invitation, token = add_invitation(language="en", hours_from_now=24)
        db.session.commit()
    patient = app.test_client()
    patient.post(f"/en/i/{token}")
    report = {**GOOD_CONNECTION, "platform_reachable": False}
    response = patient.post("/en/check/connection/result", json=report)
    assert response.status_code == 200 and response.json["reasons"] == []
    with app.app_context():
        assert db.session.scalars(db.select(ConnectionResult)).one().platform_reachable is None


def test_an_offline_device_is_not_said_to_be_blocked_by_the_platform(app, people):  # noqa: F811
    patient, _ = start_patient(app, people, "APPT-PLATFORM-OFFLINE")
    report = {"failure": "offline", "platform_reachable": False}
    response = patient.post("/en/check/connection/result", json=report)
    assert response.status_code == 200
    assert response.json["reasons"] == ["offline"]


def test_a_blocked_platform_reaches_everyone_as_video_with_limits(app, people):  # noqa: F811
    patient, invitation_id = start_patient(app, people, "APPT-PLATFORM")
    report = {**GOOD_CONNECTION, "platform_reachable": False}
    assert patient.post("/en/check/connection/result", json=report).status_code == 200
    for kind in KINDS:
        post_device(patient, kind, "pass")
    public_id = finish(app, people, patient)
    seen = verdicts_everywhere(app, people, patient, public_id, invitation_id, "APPT-PLATFORM")
    assert seen["summary"] == seen["desk"] == seen["api"] == "limited"
    assert seen["webhook"][-1] == "limited" and seen["fhir"][-1] == "limited"
    label = "This network seems to block the video service itself"
    summary = unescape(seen["summary_html"]).replace("’", "'")
    assert label in summary
    assert "try mobile data, or ask the network's owner" in summary
    assert 'data-reason="platform_blocked"' in seen["desk_html"]
    assert 'data-platform-reachable="false">not reachable from this network' in seen["desk_html"]
    assert "Network seems to block the video service" in unescape(seen["desk_html"])
    assert label in unescape(seen["clinic_html"])
    api = people["api"].get(f"/checks/{public_id}").json
    assert "platform_blocked" in api["reasons"]
    assert api["connection"]["platform_reachable"] is False
    payload = last_payload(app, public_id)
    assert "platform_blocked" in payload["check"]["reasons"]
    assert payload["check"]["connection"]["platform_reachable"] is False
    bundle = bundle_for_message(payload)
    assert "platform_blocked" in json.dumps(bundle)
    components = [
        component
        for entry in bundle["entry"]
        for component in entry["resource"].get("component", [])
        if component["code"]["coding"][0]["code"] == "platform-reachable"
    ]
    assert [component["valueBoolean"] for component in components] == [False]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_device_page_offers_to_hear_oneself_and_says_the_recording_stays(app, people, lang):  # noqa: F811
    patient, _ = start_patient(app, people, f"APPT-ECHO-PAGE-{lang}")
    page = unescape(patient.get(f"/{lang}/check/devices").text)
    answers = ("echo-heard-clearly", "echo-heard-badly", "echo-heard-not-at-all")
    for testid in ("echo-record", *answers):
        assert f'data-testid="{testid}"' in page
    says = {
        "en": "The recording stays in this page: it is never sent",
        "fr": "L’enregistrement reste sur cette page\u00a0: il n’est jamais envoyé",
    }
    assert says[lang] in page

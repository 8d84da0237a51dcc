"""Latency under load and the call quality to expect, from the browser's report to everyone."""

from readiness.extensions import db
from readiness.handoff.fhir import bundle_for_check
from readiness.models import ConnectionResult
from tests.web.test_every_part_counted import KINDS, people, run_check  # noqa: F401

BUSY_HOME = {
    "download_mbps": 48.2,
    "upload_mbps": 11.5,
    "latency_ms": 18.0,
    "jitter_ms": 2.1,
    "loaded_latency_down_ms": 262.5,
    "loaded_latency_up_ms": 41.0,
}


def test_a_busy_home_link_limits_the_visit_and_everyone_sees_what_to_expect(app, people):  # noqa: F811
    patient, public_id, invitation_id = run_check(
        app, people, {kind: ("pass", None) for kind in KINDS}, "APPT-BUSY", BUSY_HOME
    )
    for lang, sentence in (
        ("en", "If others at home are streaming or backing up files, the picture may freeze."),
        ("fr", "l’image pourrait figer"),
    ):
        answer = patient.post(f"/{lang}/check/connection/result", json=BUSY_HOME).json
        assert (answer["verdict"], answer["reasons"]) == ("limited", ["busy_network"])
        html = answer["html"]
        assert 'data-loaded-latency-down-ms="262.50"' in html
        assert 'data-loaded-latency-up-ms="41.00"' in html
        assert sentence in html
    with app.app_context():
        stored = db.session.scalars(db.select(ConnectionResult)).all()[-1]
        assert (stored.loaded_latency_down_ms, stored.loaded_latency_up_ms) == (262.5, 41.0)
        assert stored.expected_quality["video"] == "hd_720p"
    summary = patient.get("/en/check/summary").text
    assert "Your picture should be clear and sharp (HD)." in summary
    assert "pause cloud backups" in summary  # the household advice
    desk_page = people["desk"].get(f"/desk/checks/{public_id}").text
    assert 'data-testid="desk-expected-video" data-video="hd_720p"' in desk_page
    assert 'data-mos="4.4"' in desk_page
    assert 'data-reason="busy_network"' in desk_page  # the desk's script
    assert "262 ms downloading, 41 ms uploading" in desk_page
    clinic_page = people["clinic"].get(f"/clinic/visits/{invitation_id}").text
    assert 'data-testid="attempt-expected" data-video="hd_720p" data-mos="4.4"' in clinic_page
    assert "The connection slows down a lot when it is busy" in clinic_page
    document = people["api"].get(f"/checks/{public_id}").json
    connection = document["connection"]
    assert connection["loaded_latency_down_ms"] == 262.5
    assert connection["expected_quality"] == {
        "video": "hd_720p",
        "audio_mos": 4.4,
        "audio": "good",
        "freezes_when_busy": True,
        "latency_increase_ms": 244.5,
    }
    assert document["verdict"] == "limited" and "busy_network" in document["reasons"]
    bundle = bundle_for_check(document)
    [observation] = [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "connection"
    ]
    components = {c["code"]["coding"][0]["code"]: c for c in observation["component"]}
    assert components["loaded-latency-download"]["valueQuantity"]["value"] == 262.5
    assert components["expected-video"]["valueCodeableConcept"]["coding"][0]["code"] == (
        "video-hd_720p"
    )
    assert components["expected-audio-mos"]["valueQuantity"]["value"] == 4.4


def test_the_openapi_document_describes_the_expected_quality(app, people):  # noqa: F811
    spec = people["api"].client.get("/api/v1/openapi.json").json
    check = spec["components"]["schemas"]["Check"]["properties"]
    assert "missing_devices" in check
    text = str(check["connection"])
    for name in ("loaded_latency_down_ms", "loaded_latency_up_ms", "expected_quality", "audio_mos"):
        assert name in text

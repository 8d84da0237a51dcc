"""The media path's route, loss and round trip reach everyone who sees the verdict: the desk,
the clinician, the API and its OpenAPI document, and the webhooks (JSON and FHIR)."""

import pytest

from readiness.checks.consent import consent_text
from readiness.extensions import db
from readiness.handoff.fhir import bundle_for_message
from readiness.models import Check, ConnectionResult, Invitation, OutboxMessage
from tests.support.journey import CONTACT, change_contact, invite
from tests.support.records import add_results
from tests.web.api_support import ApiClient, create_key

MEDIA = {
    "media_route": "relay-tcp",
    "media_candidate_type": "relay",
    "media_connect_ms": 950.0,
    "media_rtt_ms": 84.0,
    "media_jitter_ms": 6.5,
    "media_loss_up_percent": 0.0,
    "media_loss_down_percent": 7.0,
}


@pytest.fixture
def finished_check(app, client):
    """A patient whose network relays a call over TCP and loses 7 % of what comes back."""
    client.post(f"/en/i/{invite(app, language='en')}")
    with app.app_context():
        check = db.session.scalars(db.select(Check).order_by(Check.id.desc())).first()
        add_results(check, connection="limited")
        db.session.flush()
        result = db.session.scalars(db.select(ConnectionResult)).one()
        for name, value in MEDIA.items():
            setattr(result, name, value)
        result.reasons = ["udp_blocked", "packet_loss_high"]
        db.session.commit()
        ids = check.public_id, db.session.scalars(db.select(Invitation.public_id)).one()
    client.get("/en/check/summary")
    sha = consent_text({}, "en").sha256
    client.post("/en/check/consent", data={"decision": "agreed", "text_sha256": sha})
    change_contact(client, "en", **(CONTACT | {"preferred_language": "en"}))
    return ids


def test_the_api_gives_the_route_the_loss_of_the_worse_direction_and_the_round_trip(
    app, client, finished_check
):
    check_id, _ = finished_check
    connection = ApiClient(client, create_key(app)).get(f"/checks/{check_id}").json["connection"]
    assert connection["media_route"] == "relay-tcp"
    assert connection["packet_loss_percent"] == 7.0
    assert connection["packet_loss_up_percent"] == 0.0
    assert connection["media_rtt_ms"] == 84.0


def test_the_openapi_document_describes_the_media_figures(client):
    schema = client.get("/api/v1/openapi.json").json
    text = str(schema)
    for name in ("media_route", "packet_loss_percent", "media_rtt_ms"):
        assert f"'{name}'" in text
    assert "relay-tcp" in text


def test_webhooks_carry_the_figures_in_json_and_as_fhir_observation_components(app, finished_check):
    with app.app_context():
        message = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1]
        payload = message.payload
    assert payload["check"]["connection"]["media_route"] == "relay-tcp"
    assert payload["check"]["connection"]["packet_loss_percent"] == 7.0
    bundle = bundle_for_message(payload, base="https://readiness.example.org/fhir")
    [observation] = [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "Observation"
        and entry["resource"]["code"]["coding"][0]["code"] == "connection"
    ]
    components = {c["code"]["coding"][0]["code"]: c for c in observation["component"]}
    assert components["packet-loss"]["valueQuantity"]["value"] == 7.0
    assert components["packet-loss"]["valueQuantity"]["code"] == "%"
    assert components["media-round-trip-time"]["valueQuantity"]["value"] == 84.0
    assert components["media-route"]["valueString"] == "relay-tcp"


def test_the_desk_sees_the_route_and_the_loss_live(app, desk_client, finished_check):
    check_id, _ = finished_check
    page = desk_client.get(f"/desk/checks/{check_id}/live").json["fragments"]["results"]["html"]
    assert 'data-media-route="relay-tcp"' in page
    assert "Through a relay server, the slower route (TCP)" in page
    assert "7%" in page and "84 ms" in page


def test_the_clinician_sees_the_route_and_the_loss(app, clinician_client, finished_check):
    _, invitation_id = finished_check
    page = clinician_client.get(f"/clinic/visits/{invitation_id}").text
    assert 'data-media-route="relay-tcp"' in page
    assert "7%" in page and "84 ms" in page
    assert "The network blocks the fast route video calls use" in page

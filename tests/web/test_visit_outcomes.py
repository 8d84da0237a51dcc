"""How each visit went: recorded by the scheduling module, the clinician and the desk."""

import pytest
from sqlalchemy import select

from readiness.extensions import db
from readiness.handoff import fhir
from readiness.models import AuditEvent, Invitation, OutboxMessage, VisitOutcomeRecord, utcnow
from readiness.privacy.erasure import erase_patient
from tests.support.journey import invite, run_journey
from tests.web.api_support import ApiClient, create_key


@pytest.fixture
def api(app, client):
    return ApiClient(client, create_key(app))


def invitation_id(app, token_ref: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Invitation.public_id).where(Invitation.appointment_ref == token_ref)
        )


def past_visit(app, ref: str, hours_ago: float = 2) -> str:
    invite(app, appointment_ref=ref, hours_from_now=-hours_ago)
    return invitation_id(app, ref)


def outcome_row(app, public_id: str) -> VisitOutcomeRecord | None:
    with app.app_context():
        return db.session.scalar(
            select(VisitOutcomeRecord).join(Invitation).where(Invitation.public_id == public_id)
        )


def test_the_api_records_an_outcome_once_and_announces_it(app, api):
    public_id = past_visit(app, "APPT-OUT-1")
    body = {"outcome": "video_then_phone", "trouble": ["picture", "audio"]}
    body["recorded_at"] = "2026-12-01T15:00:00-05:00"
    first = api.put(f"/invitations/{public_id}/outcome", json=body)
    assert first.status_code == 200, first.text
    assert first.json["outcome"] == "video_then_phone"
    # In the vocabulary's order, whatever order they came in.
    assert first.json["trouble"] == ["audio", "picture"]
    assert first.json["recorded_at"] == "2026-12-01T20:00:00+00:00"
    again = api.put(f"/invitations/{public_id}/outcome", json=body)
    assert again.status_code == 200 and again.json == first.json
    with app.app_context():
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type == "visit.outcome_recorded")
        ).all()
        assert len(messages) == 1  # idempotent: the repeat sent nothing
        appointment = messages[0].payload["appointment"]
        assert appointment["visit_outcome"]["outcome"] == "video_then_phone"
        audits = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "visit.outcome_recorded")
        ).all()
        assert [entry.details["outcome"] for entry in audits] == ["video_then_phone"]
        assert audits[0].api_key_id is not None
    shown = api.get(f"/invitations/{public_id}")
    assert shown.status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"outcome": "teleported"}, "outcome"),
        ({"outcome": "video", "trouble": ["smell"]}, "trouble"),
        ({"outcome": "video", "trouble": "audio"}, "trouble"),
        ({"outcome": "video", "recorded_at": "yesterday"}, "recorded_at"),
        ({"trouble": []}, "outcome"),
    ],
)
def test_the_api_refuses_unknown_words_with_422(app, api, body, field):
    public_id = past_visit(app, "APPT-OUT-2")
    response = api.put(f"/invitations/{public_id}/outcome", json=body)
    assert response.status_code == 422
    assert response.json["error"]["field"] == field
    assert outcome_row(app, public_id) is None


def test_only_a_cancellation_comes_before_the_appointment_time(app, api):
    invite(app, appointment_ref="APPT-OUT-3", hours_from_now=24)
    public_id = invitation_id(app, "APPT-OUT-3")
    early = api.put(f"/invitations/{public_id}/outcome", json={"outcome": "video"})
    assert early.status_code == 422
    assert "not come yet" in early.json["error"]["message"]
    cancelled = api.put(f"/invitations/{public_id}/outcome", json={"outcome": "cancelled"})
    assert cancelled.status_code == 200
    assert outcome_row(app, public_id).outcome == "cancelled"


def test_an_unknown_invitation_is_404(api):
    response = api.put("/invitations/nope/outcome", json={"outcome": "video"})
    assert response.status_code == 404


def test_the_clinician_records_the_outcome_once_the_time_has_passed(app, clinician_client):
    upcoming_ref, past_ref = "APPT-OUT-4", "APPT-OUT-5"
    invite(app, appointment_ref=upcoming_ref, hours_from_now=3)
    upcoming_id = invitation_id(app, upcoming_ref)
    assert "How did the visit go?" not in clinician_client.get(f"/clinic/visits/{upcoming_id}").text
    public_id = past_visit(app, past_ref, hours_ago=1)
    page = clinician_client.get(f"/clinic/visits/{public_id}")
    assert "How did the visit go?" in page.text
    assert 'data-testid="outcome-to-record"' in page.text
    response = clinician_client.post(
        f"/clinic/visits/{public_id}/outcome",
        data={
            "outcome": "phone",
            "trouble": ["connection", "clinician_side"],
            "outcome_note": "Caméra bloquée",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#visit-outcome-title")
    found = outcome_row(app, public_id)
    assert (found.outcome, found.trouble, found.note) == (
        "phone",
        ["connection", "clinician_side"],
        "Caméra bloquée",
    )
    assert found.staff_id is not None
    page = clinician_client.get(f"/clinic/visits/{public_id}")
    assert 'data-outcome="phone"' in page.text
    assert "Caméra bloquée" in page.text


def test_the_clinician_form_explains_what_is_wrong(app, clinician_client):
    public_id = past_visit(app, "APPT-OUT-6")
    missing = clinician_client.post(f"/clinic/visits/{public_id}/outcome", data={})
    assert missing.status_code == 400
    assert "Choose how the visit went." in missing.text
    odd = clinician_client.post(
        f"/clinic/visits/{public_id}/outcome", data={"outcome": "video", "trouble": ["smell"]}
    )
    assert odd.status_code == 400
    assert "Choose only among the listed problems." in odd.text
    invite(app, appointment_ref="APPT-OUT-7", hours_from_now=5)
    early = clinician_client.post(
        f"/clinic/visits/{invitation_id(app, 'APPT-OUT-7')}/outcome", data={"outcome": "video"}
    )
    assert early.status_code == 400
    assert "has not come yet" in early.text
    assert outcome_row(app, public_id) is None


def test_the_visit_list_shows_and_filters_outcomes_to_record(app, clinician_client):
    due = past_visit(app, "APPT-OUT-8", hours_ago=3)
    done = past_visit(app, "APPT-OUT-9", hours_ago=4)
    invite(app, appointment_ref="APPT-OUT-10", hours_from_now=30)
    clinician_client.post(f"/clinic/visits/{done}/outcome", data={"outcome": "video"})
    listing = clinician_client.get("/clinic/?outcome=to_record").text
    assert 'data-ref="APPT-OUT-8"' in listing
    assert 'data-ref="APPT-OUT-9"' not in listing
    assert 'data-ref="APPT-OUT-10"' not in listing
    assert "Outcome to record" in listing
    past = clinician_client.get("/clinic/?when=past").text
    assert 'data-outcome="video"' in past and 'data-outcome="to_record"' in past
    assert due


def test_the_desk_records_a_no_show_and_sees_the_outcome(app, client, desk_client):
    token = invite(app, appointment_ref="APPT-OUT-11", hours_from_now=-1)
    check_id = run_journey(app, client, token)
    page = desk_client.get(f"/desk/checks/{check_id}")
    assert "Outcome to record." in page.text
    refused = desk_client.post(f"/desk/checks/{check_id}/visit-outcome", data={"outcome": "video"})
    assert refused.status_code == 400
    saved = desk_client.post(f"/desk/checks/{check_id}/visit-outcome", data={"outcome": "no_show"})
    assert saved.status_code == 302
    page = desk_client.get(f"/desk/checks/{check_id}")
    assert 'data-outcome="no_show"' in page.text


def test_the_desk_sees_the_outcome_but_not_the_care_teams_note(
    app, client, desk_client, clinician_client
):
    token = invite(app, appointment_ref="APPT-OUT-14", hours_from_now=-1)
    check_id = run_journey(app, client, token)
    public_id = invitation_id(app, "APPT-OUT-14")
    clinician_client.post(
        f"/clinic/visits/{public_id}/outcome",
        data={"outcome": "phone", "outcome_note": "Rappeler la fille"},
    )
    for path in (f"/desk/checks/{check_id}", f"/desk/checks/{check_id}/visit-outcome"):
        page = desk_client.get(path).text
        assert 'data-outcome="phone"' in page
        assert "Rappeler la fille" not in page


def test_the_fhir_bundle_gains_a_virtual_encounter(app, client, api):
    token = invite(app, appointment_ref="APPT-OUT-12", hours_from_now=-1)
    check_id = run_journey(app, client, token)
    public_id = invitation_id(app, "APPT-OUT-12")
    api.put(f"/invitations/{public_id}/outcome", json={"outcome": "video", "trouble": ["audio"]})
    bundle = api.get(f"/checks/{check_id}?format=fhir").json
    encounters = [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "Encounter"
    ]
    assert len(encounters) == 1
    encounter = encounters[0]
    assert encounter["class"]["code"] == "VR"
    assert encounter["status"] == "finished"
    assert encounter["type"][0]["coding"][0]["code"] == "visit-outcome-video"
    assert encounter["extension"][0]["valueCode"] == "audio"
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type == "visit.outcome_recorded")
        ).one()
        webhook = fhir.bundle_for_message(message.payload)
        assert any(e["resource"]["resourceType"] == "Encounter" for e in webhook["entry"])


def test_erasure_removes_the_note_and_keeps_the_word_and_trouble(app, client, clinician_client):
    token = invite(app, appointment_ref="APPT-OUT-13", hours_from_now=-1)
    check_id = run_journey(app, client, token)
    public_id = invitation_id(app, "APPT-OUT-13")
    clinician_client.post(
        f"/clinic/visits/{public_id}/outcome",
        data={"outcome": "video_then_phone", "trouble": ["audio"], "outcome_note": "Son coupé"},
    )
    with app.app_context():
        from readiness.models import Check

        check = db.session.scalar(select(Check).where(Check.public_id == check_id))
        erase_patient(db.session, check, now=utcnow(), reason="request")
        db.session.commit()
    found = outcome_row(app, public_id)
    assert (found.outcome, found.trouble, found.note) == ("video_then_phone", ["audio"], None)

"""The FHIR body: a valid R4 transaction Bundle that says what our JSON says."""

import pytest
from fhir.resources.R4B.bundle import Bundle

from readiness.handoff.fhir import bundle_for_check, bundle_for_message, code_system, validated

BASE = "https://readiness.example.org/fhir"
CHECK = {
    "id": "9b2f5a1c-3d4e-4f60-8a7b-1c2d3e4f5a6b",
    "reference_code": "K7P4QX",
    "language": "fr",
    "step": "done",
    "completed": True,
    "verdict": "limited",
    "reasons": ["download_low"],
    "outcome": None,
    "missing": [],
    "created_at": "2026-11-23T14:00:00+00:00",
    "updated_at": "2026-11-23T14:09:00+00:00",
    "completed_at": "2026-11-23T14:09:00+00:00",
    "appointment": {
        "invitation_id": "0d9f7e6a-1b2c-4d3e-8f40-5a6b7c8d9e0f",
        "appointment_ref": "APPT-2026-0042",
        "appointment_at": "2026-11-25T15:30:00+00:00",
    },
    "patient": {"first_name": "Amélie"},
    "connection": {
        "download_mbps": 4.2,
        "upload_mbps": 1.5,
        "latency_ms": 90.0,
        "jitter_ms": 12.0,
        "verdict": "limited",
        "reasons": ["download_low"],
        "failure": None,
        "measured_at": "2026-11-23T14:02:00+00:00",
    },
    "devices": [
        {"kind": k, "status": "pass", "reason": None, "checked_at": "2026-11-23T14:04:00+00:00"}
        for k in ("browser", "camera", "microphone", "speakers")
    ],
    "setting": {
        "private_place": True,
        "public_wifi": False,
        "phone_at_hand": True,
        "headset": None,
        "answered_at": "2026-11-23T14:06:00+00:00",
    },
    "consent": {
        "decision": "agreed",
        "method": "verbal_desk",
        "text_version": "2026-11-default",
        "text_sha256": "a" * 64,
        "language": "fr",
        "given_at": "2026-11-23T14:08:00+00:00",
        "recorded_by": {"id": 3, "name": "Julie Desk"},
    },
    "contact": {
        "email": "amelie.roy@example.org",
        "mobile": "+15145550123",
        "backup_phone": "+16135550142",
        "preferred_language": "fr",
        "preferred_contact": "sms",
        "entered_by_staff": False,
        "updated_at": "2026-11-23T14:09:00+00:00",
    },
}
MESSAGE = {
    "delivery_id": "6f1c2a9e-5b4d-4c3b-9a28-17f6e5d4c3b2",
    "event": "check.completed",
    "occurred_at": "2026-11-23T14:09:00+00:00",
    "appointment": CHECK["appointment"],
    "check": CHECK,
    "decision": None,
}


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_is_a_valid_r4_transaction_with_each_resource_once():
    bundle = bundle_for_message(MESSAGE, base=BASE)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "transaction"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Patient") == 1 and kinds.count("Consent") == 1
    assert kinds.count("Task") == 1 and kinds.count("Observation") == 7
    # Conditional updates keyed by identifier; the Task is created once per delivery id.
    for entry in bundle["entry"]:
        kind, request = entry["resource"]["resourceType"], entry["request"]
        system_value = "|".join(entry["resource"]["identifier"][0][k] for k in ("system", "value"))
        if kind == "Task":
            assert request == {
                "method": "POST",
                "url": "Task",
                "ifNoneExist": f"identifier={system_value}",
            }
        else:
            assert request == {"method": "PUT", "url": f"{kind}?identifier={system_value}"}
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])


def test_patient_has_the_name_as_given_contacts_and_canadian_french():
    (patient,) = resources(bundle_for_message(MESSAGE, base=BASE), "Patient")
    assert patient["name"] == [{"given": ["Amélie"]}]
    telecom = {(t["system"], t["use"]): t for t in patient["telecom"]}
    assert telecom["email", "home"]["value"] == "amelie.roy@example.org"
    assert telecom["sms", "mobile"]["value"] == "+15145550123"
    assert telecom["sms", "mobile"]["rank"] == 1
    assert telecom["phone", "home"]["value"] == "+16135550142"
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "fr-CA"


def test_verbal_consent_is_active_with_verification_and_its_text_fingerprint():
    bundle = bundle_for_message(MESSAGE, base=BASE)
    (consent,) = resources(bundle, "Consent")
    (patient_entry,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert consent["status"] == "active"
    assert consent["scope"]["coding"][0]["code"] == "treatment"
    assert consent["patient"]["reference"] == patient_entry["fullUrl"]
    assert consent["dateTime"].startswith("2026-11-23T14:08:00")
    assert consent["performer"][0]["reference"] == patient_entry["fullUrl"]
    assert consent["policyRule"]["coding"][0]["code"] == "OPTIN"
    assert (
        "2026-11-default" in consent["policyRule"]["text"]
        and "a" * 64 in consent["policyRule"]["text"]
    )
    assert consent["verification"][0]["verified"] is True


def test_declined_consent_is_rejected():
    declined = {**CHECK, "consent": {**CHECK["consent"], "decision": "declined"}}
    bundle = bundle_for_message({**MESSAGE, "check": declined}, base=BASE)
    (consent,) = resources(bundle, "Consent")
    assert consent["status"] == "rejected"
    assert consent["provision"]["type"] == "deny"


def test_connection_figures_are_ucum_components_under_our_code_system():
    observations = resources(bundle_for_message(MESSAGE, base=BASE), "Observation")
    (connection,) = [o for o in observations if o["code"]["coding"][0]["code"] == "connection"]
    assert connection["code"]["coding"][0]["system"] == (
        "https://readiness.example.org/fhir/CodeSystem/readiness-measure"
    )
    figures = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in connection["component"]}
    assert figures["download-speed"] == {
        "value": 4.2,
        "unit": "Mbit/s",
        "system": "http://unitsofmeasure.org",
        "code": "Mbit/s",
    }
    assert figures["latency"]["code"] == "ms" and figures["jitter"]["value"] == 12.0
    codes = {c["code"] for c in connection["interpretation"][0]["coding"]}
    assert codes == {"A", "limited"}


def test_task_points_to_the_appointment_and_every_result():
    bundle = bundle_for_message(MESSAGE, base=BASE)
    (task,) = resources(bundle, "Task")
    assert task["focus"]["type"] == "Appointment"
    assert task["focus"]["identifier"]["value"] == "APPT-2026-0042"
    referenced = {i["valueReference"]["reference"] for i in task["input"] if "valueReference" in i}
    others = {e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] != "Task"}
    assert others - referenced == {next(iter(resources_urls(bundle, "Patient")))}
    assert task["for"]["reference"] in resources_urls(bundle, "Patient")


def resources_urls(bundle, kind):
    return {e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind}


def test_decision_without_a_check_is_a_task_alone():
    message = {
        **MESSAGE,
        "event": "decision.recorded",
        "check": None,
        "decision": {
            "choice": "phone",
            "note": None,
            "decided_at": "2026-11-24T09:00:00+00:00",
            "clinician": {"id": 7, "name": "Dr. B"},
        },
    }
    bundle = bundle_for_message(message, base=BASE)
    (task,) = resources(bundle, "Task")
    assert len(bundle["entry"]) == 1
    assert task["input"][0]["valueCodeableConcept"]["coding"][0]["code"] == "visit-phone"


def test_the_same_message_gives_the_same_bundle_so_retries_are_identical():
    assert bundle_for_message(MESSAGE, base=BASE) == bundle_for_message(MESSAGE, base=BASE)
    assert bundle_for_check(CHECK, base=BASE)["type"] == "transaction"


def test_the_code_system_url_follows_the_configured_base():
    assert code_system("https://fhir.hopital.example.ca/r4/") == (
        "https://fhir.hopital.example.ca/r4/CodeSystem/readiness-measure"
    )


@pytest.mark.parametrize(
    "change",
    [{"dateTime": "the day before yesterday"}, {"agreedBy": "someone"}, {"status": None}],
)
def test_validation_refuses_what_r4_does_not_allow(change):
    # fhir.resources checks structure, cardinality and data types (not value-set bindings).
    bundle = bundle_for_message(MESSAGE, base=BASE)
    consent = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Consent")
    consent["resource"].update(change)
    with pytest.raises(ValueError):
        validated(bundle)
